// SPDX-License-Identifier: MIT
#include "codec/frame_p.h"

#include <QtCore/QtEndian>

#include <cstring>

namespace XDMessagingPrivate {

namespace {

constexpr char FrameMagic[4] = {'X', 'D', 'M', 'F'};
constexpr char AcknowledgementMagic[4] = {'X', 'D', 'M', 'A'};
constexpr quint8 AcknowledgementVersion = 1;

template<typename T>
void putLittleEndian(char *at, T value)
{
    qToLittleEndian(value, at);
}

template<typename T>
T getLittleEndian(const char *at)
{
    return qFromLittleEndian<T>(at);
}

// Length of the UTF-8 sequence starting at s[0], or 0 when it is not a valid one.
qsizetype utf8SequenceLength(const unsigned char *s, qsizetype available)
{
    const unsigned char lead = s[0];
    if (lead < 0x80)
        return 1;
    qsizetype length = 0;
    unsigned char minSecond = 0x80;
    unsigned char maxSecond = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0)
            minSecond = 0xA0; // overlong
        else if (lead == 0xED)
            maxSecond = 0x9F; // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0)
            minSecond = 0x90; // overlong
        else if (lead == 0xF4)
            maxSecond = 0x8F; // above U+10FFFF
    } else {
        return 0;
    }
    if (available < length || s[1] < minSecond || s[1] > maxSecond)
        return 0;
    for (qsizetype i = 2; i < length; ++i) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    return length;
}

bool hasControlCharacter(QByteArrayView utf8)
{
    const auto *s = reinterpret_cast<const unsigned char *>(utf8.data());
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        if (s[i] < 0x20 || s[i] == 0x7F)
            return true;
        // C1 controls U+0080..U+009F are encoded as C2 80..C2 9F.
        if (s[i] == 0xC2 && i + 1 < utf8.size() && s[i + 1] <= 0x9F)
            return true;
    }
    return false;
}

} // namespace

bool isValidUtf8(QByteArrayView bytes)
{
    const auto *s = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype size = bytes.size();
    qsizetype i = 0;
    while (i < size) {
        // Fast path over ASCII, eight bytes at a time.
        while (i + 8 <= size) {
            quint64 word;
            std::memcpy(&word, s + i, sizeof word);
            if (word & 0x8080808080808080ULL)
                break;
            i += 8;
        }
        if (i >= size)
            break;
        const qsizetype length = utf8SequenceLength(s + i, size - i);
        if (length == 0)
            return false;
        i += length;
    }
    return true;
}

QString channelNameProblemUtf8(QByteArrayView utf8)
{
    if (utf8.isEmpty())
        return QStringLiteral("channel name is empty");
    if (utf8.size() > MaximumChannelNameBytes)
        return QStringLiteral("channel name is %1 bytes in UTF-8, more than the limit of %2")
                .arg(utf8.size())
                .arg(MaximumChannelNameBytes);
    if (!isValidUtf8(utf8))
        return QStringLiteral("channel name is not valid UTF-8");
    if (hasControlCharacter(utf8))
        return QStringLiteral("channel name contains a control character");
    return {};
}

QByteArray replyChannelOf(const MessageId &inboxId)
{
    return ReplyChannelPrefix.toByteArray() + QByteArray(inboxId.data(), qsizetype(inboxId.size())).toHex();
}

bool isReplyChannel(QByteArrayView channelUtf8)
{
    return channelUtf8.startsWith(ReplyChannelPrefix);
}

QByteArrayView truncatedUtf8(QByteArrayView utf8, qsizetype maxBytes)
{
    if (utf8.size() <= maxBytes)
        return utf8;
    qsizetype end = maxBytes;
    // Step back over continuation bytes so no character is split.
    while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80)
        --end;
    return utf8.first(end);
}

bool payloadMatchesType(quint8 payloadType, QByteArrayView payload, QString *error)
{
    if (payloadType > MaximumPayloadType) {
        *error = QStringLiteral("unknown payload type %1").arg(payloadType);
        return false;
    }
    if (payloadType != 0 && !isValidUtf8(payload)) {
        *error = QStringLiteral("text payload is not valid UTF-8");
        return false;
    }
    return true;
}

EncodedFrame encodeFrame(const FrameMeta &meta, QByteArrayView channelUtf8, QByteArrayView senderNameUtf8,
                         const QByteArray &payload)
{
    EncodedFrame frame;
    encodeFrameInto(meta, channelUtf8, senderNameUtf8, payload, &frame);
    return frame;
}

void encodeFrameInto(const FrameMeta &meta, QByteArrayView channelUtf8, QByteArrayView senderNameUtf8,
                     const QByteArray &payload, EncodedFrame *encoded)
{
    const QByteArrayView name = truncatedUtf8(senderNameUtf8, MaximumSenderNameBytes);
    EncodedFrame &frame = *encoded;
    const qsizetype referenceSize = meta.hasReference() ? FrameReferenceSize : 0;
    const qsizetype headSize = FrameHeaderSize + channelUtf8.size() + name.size() + referenceSize;
    // resize() is a call into Qt Core even when the size stays, as it does from one send
    // to the next on a channel.
    if (frame.head.size() != headSize)
        frame.head.resize(headSize);
    char *h = frame.head.data(); // detaches a head a transport still holds
    std::memcpy(h, FrameMagic, sizeof FrameMagic);
    h[4] = char(FrameVersion);
    h[5] = char(meta.payloadType);
    putLittleEndian<quint16>(h + 6, quint16(channelUtf8.size()));
    putLittleEndian<quint32>(h + 8, quint32(payload.size()));
    putLittleEndian<quint16>(h + 12, quint16(name.size()));
    putLittleEndian<quint16>(h + 14, meta.flags);
    putLittleEndian<qint64>(h + 16, meta.senderPid);
    putLittleEndian<qint64>(h + 24, meta.timestampMs);
    std::memcpy(h + 32, meta.id.data(), meta.id.size());
    putLittleEndian<quint64>(h + 48, meta.publisher);
    putLittleEndian<quint64>(h + 56, meta.sequence);
    // An empty view may have a null data(), which memcpy must not see.
    if (!channelUtf8.isEmpty())
        std::memcpy(h + FrameHeaderSize, channelUtf8.data(), size_t(channelUtf8.size()));
    if (!name.isEmpty())
        std::memcpy(h + FrameHeaderSize + channelUtf8.size(), name.data(), size_t(name.size()));
    if (referenceSize)
        std::memcpy(h + FrameHeaderSize + channelUtf8.size() + name.size(), meta.reference.data(), FrameReferenceSize);
    frame.payload = payload;
    frame.publisher = meta.publisher;
    frame.sequence = meta.sequence;
    frame.flags = meta.flags;
}

void encodeSharedPayloadHead(QByteArrayView head, quint64 offset, char *out)
{
    std::memcpy(out, head.data(), size_t(head.size()));
    putLittleEndian<quint16>(out + 14, getLittleEndian<quint16>(out + 14) | SharedPayloadFlag);
    setSharedPayloadOffset(out, head.size() + SharedPayloadOffsetSize, offset);
}

void setSharedPayloadOffset(char *sharedHead, qsizetype sharedHeadSize, quint64 offset)
{
    putLittleEndian<quint64>(sharedHead + sharedHeadSize - SharedPayloadOffsetSize, offset);
}

QByteArray encodeAcknowledgement(quint64 framesTaken)
{
    QByteArray bytes(AcknowledgementSize, '\0');
    std::memcpy(bytes.data(), AcknowledgementMagic, sizeof AcknowledgementMagic);
    bytes[4] = char(AcknowledgementVersion);
    putLittleEndian<quint64>(bytes.data() + 8, framesTaken);
    return bytes;
}

DecodeStatus decodeAcknowledgement(QByteArrayView data, quint64 *framesTaken, QString *error)
{
    if (data.size() < AcknowledgementSize)
        return DecodeStatus::NeedMoreData;
    const char *a = data.data();
    if (std::memcmp(a, AcknowledgementMagic, sizeof AcknowledgementMagic) != 0 || quint8(a[4]) != AcknowledgementVersion
        || a[5] != 0 || a[6] != 0 || a[7] != 0) {
        *error = QStringLiteral("not an acknowledgement");
        return DecodeStatus::Malformed;
    }
    *framesTaken = getLittleEndian<quint64>(a + 8);
    return DecodeStatus::Complete;
}

DecodeStatus decodeFrameHead(QByteArrayView data, qint64 maximumPayload, FrameHead *head, QString *error)
{
    if (data.size() < FrameHeaderSize)
        return DecodeStatus::NeedMoreData;
    const char *h = data.data();
    if (std::memcmp(h, FrameMagic, sizeof FrameMagic) != 0) {
        *error = QStringLiteral("bad frame magic");
        return DecodeStatus::Malformed;
    }
    if (quint8(h[4]) != FrameVersion) {
        *error = QStringLiteral("unsupported frame version %1").arg(quint8(h[4]));
        return DecodeStatus::Malformed;
    }
    const quint8 payloadType = quint8(h[5]);
    const quint16 channelLength = getLittleEndian<quint16>(h + 6);
    const quint32 payloadLength = getLittleEndian<quint32>(h + 8);
    const quint16 nameLength = getLittleEndian<quint16>(h + 12);
    const quint16 flags = getLittleEndian<quint16>(h + 14);
    // An unknown flag may change the layout: nothing after it can be trusted.
    if ((flags & ~KnownFrameFlags) != 0 || (flags & (RequestFlag | ReplyFlag)) == (RequestFlag | ReplyFlag)) {
        *error = QStringLiteral("unknown frame flags 0x%1").arg(flags, 0, 16);
        return DecodeStatus::Malformed;
    }
    if (channelLength == 0 || channelLength > MaximumChannelNameBytes || nameLength > MaximumSenderNameBytes) {
        *error = QStringLiteral("channel or sender name length out of range");
        return DecodeStatus::Malformed;
    }
    // From here on the lengths are sound: a frame that is not acceptable can be skipped.
    const qsizetype referenceSize = (flags & (RequestFlag | ReplyFlag)) ? FrameReferenceSize : 0;
    const qsizetype offsetSize = (flags & SharedPayloadFlag) ? SharedPayloadOffsetSize : 0;
    const qsizetype headSize = FrameHeaderSize + channelLength + nameLength + referenceSize + offsetSize;
    head->headSize = headSize;
    head->payloadLength = payloadLength;
    head->meta.flags = flags; // frameSize() depends on it
    if (payloadType > MaximumPayloadType) {
        *error = QStringLiteral("unknown payload type %1").arg(payloadType);
        return DecodeStatus::Invalid;
    }
    if (qint64(payloadLength) > maximumPayload) {
        *error = QStringLiteral("payload of %1 bytes exceeds the limit of %2 bytes")
                         .arg(payloadLength)
                         .arg(maximumPayload);
        return DecodeStatus::Invalid;
    }
    if (getLittleEndian<quint64>(h + 48) == 0 || getLittleEndian<quint64>(h + 56) == 0) {
        *error = QStringLiteral("message without a publisher or sequence number");
        return DecodeStatus::Invalid;
    }
    if (data.size() < headSize)
        return DecodeStatus::NeedMoreData;

    const QByteArrayView channel = data.sliced(FrameHeaderSize, channelLength);
    const bool knownChannel = !head->channel.isEmpty() && equalBytes(head->channel, channel);
    if (!knownChannel) {
        const QString channelProblem = channelNameProblemUtf8(channel);
        if (!channelProblem.isEmpty()) {
            *error = channelProblem;
            return DecodeStatus::Invalid;
        }
    }
    const QByteArrayView name = data.sliced(FrameHeaderSize + channelLength, nameLength);
    const bool knownName = equalBytes(head->senderName, name); // an empty one needs no check
    if (!knownName && !isValidUtf8(name)) {
        *error = QStringLiteral("sender name is not valid UTF-8");
        return DecodeStatus::Invalid;
    }

    head->meta.payloadType = payloadType;
    head->meta.senderPid = getLittleEndian<qint64>(h + 16);
    head->meta.timestampMs = getLittleEndian<qint64>(h + 24);
    std::memcpy(head->meta.id.data(), h + 32, head->meta.id.size());
    head->meta.publisher = getLittleEndian<quint64>(h + 48);
    head->meta.sequence = getLittleEndian<quint64>(h + 56);
    if (referenceSize)
        std::memcpy(head->meta.reference.data(), h + FrameHeaderSize + channelLength + nameLength, FrameReferenceSize);
    head->sharedPayloadOffset = offsetSize ? getLittleEndian<quint64>(h + headSize - offsetSize) : 0;
    if (!knownChannel)
        head->channel = channel.toByteArray();
    if (!knownName)
        head->senderName = name.toByteArray();
    return DecodeStatus::Complete;
}

DecodeStatus decodeFrame(QByteArrayView data, qint64 maximumPayload, Frame *frame, QString *error)
{
    const DecodeStatus headStatus = decodeFrameHead(data, maximumPayload, &frame->head, error);
    if (headStatus != DecodeStatus::Complete)
        return headStatus;
    if (frame->head.hasSharedPayload()) {
        *error = QStringLiteral("a shared-memory payload where none was passed");
        return DecodeStatus::Invalid;
    }
    if (data.size() < frame->head.frameSize())
        return DecodeStatus::NeedMoreData;
    const QByteArrayView payload = data.sliced(frame->head.headSize, frame->head.payloadLength);
    if (!payloadMatchesType(frame->head.meta.payloadType, payload, error))
        return DecodeStatus::Invalid;
    frame->payload = payload.toByteArray();
    return DecodeStatus::Complete;
}

} // namespace XDMessagingPrivate
