// SPDX-License-Identifier: MIT
// Drives the frame decoder the way a listener does: a stream of bytes from a peer,
// frames taken off its front until it needs more data or finds it malformed.
#include "codec/frame_p.h"

#include <cstddef>
#include <cstdint>

using namespace XDMessagingPrivate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    constexpr qint64 MaximumPayload = 1024 * 1024;
    QByteArrayView stream(reinterpret_cast<const char *>(data), qsizetype(size));
    // What a sender reads back from a listener: acknowledgements, the same way.
    quint64 taken = 0;
    QString ackError;
    if (decodeAcknowledgement(stream, &taken, &ackError) == DecodeStatus::Complete
        && encodeAcknowledgement(taken) != stream.first(AcknowledgementSize))
        __builtin_trap();
    for (;;) {
        Frame frame;
        QString error;
        const DecodeStatus status = decodeFrame(stream, MaximumPayload, &frame, &error);
        if (status == DecodeStatus::Invalid && stream.size() >= frame.head.frameSize()) {
            // Skipped as a listener does; what follows is read on.
            stream = stream.sliced(qsizetype(frame.head.frameSize()));
            continue;
        }
        if (status != DecodeStatus::Complete)
            break;
        // What decodes must re-encode to the same bytes.
        const EncodedFrame encoded =
                encodeFrame(frame.head.meta, frame.head.channel, frame.head.senderName, frame.payload);
        const qsizetype used = qsizetype(frame.head.frameSize());
        if (QByteArray(encoded.head + encoded.payload) != stream.first(used))
            __builtin_trap();
        stream = stream.sliced(used);
    }
    return 0;
}
