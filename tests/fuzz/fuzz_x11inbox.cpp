// SPDX-License-Identifier: MIT
// Drives the native-window inbox reassembly the way a listener does: what one read of
// the inbox returned, fed in one or two parts (the first byte says where to cut), then
// a sender gone. Whatever comes out must be whole frames that re-encode to themselves.
#include "codec/x11inbox_p.h"

#include <cstddef>
#include <cstdint>

using namespace XDMessagingPrivate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    constexpr qint64 MaximumPayload = 64 * 1024;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    const qsizetype cut = qMin<qsizetype>(bytes.size(), data[0] * 4);
    InboxAssembler assembler(MaximumPayload);
    InboxAssembler::Output out;
    assembler.feed(bytes.first(cut), &out);
    assembler.feed(bytes.sliced(cut), &out);
    for (quint32 window = 0; window < 4; ++window)
        assembler.senderGone(window, &out);
    quint64 taken = 0;
    for (const quint64 count : std::as_const(out.takenBySender))
        taken += count;
    if (out.frames.size() > taken)
        __builtin_trap();
    for (const Frame &frame : out.frames) {
        if (frame.payload.size() > MaximumPayload)
            __builtin_trap();
        const EncodedFrame encoded =
                encodeFrame(frame.head.meta, frame.head.channel, frame.head.senderName, frame.payload);
        Frame again;
        QString error;
        if (decodeFrame(QByteArray(encoded.head + encoded.payload), MaximumPayload, &again, &error)
            != DecodeStatus::Complete)
            __builtin_trap();
    }
    return 0;
}
