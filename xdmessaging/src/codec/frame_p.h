// SPDX-License-Identifier: MIT
#pragma once

// The wire format shared by every transport. Bytes in, a frame or an error out: no I/O,
// no global state, no Qt GUI. Nothing is ever deserialized into objects: a frame is a
// fixed little-endian header with explicit lengths, followed by raw bytes.
//
//  offset size  field
//   0     4     magic "XDMF"
//   4     1     version (2)
//   5     1     payload type (0 binary, 1 text, 2 JSON)
//   6     2     channel length in bytes (1..255)
//   8     4     payload length in bytes
//  12     2     sender name length in bytes (0..255)
//  14     2     flags: 1 request, 2 reply, 4 retained (the message is also its
//               channel's retained value), 8 shared payload (see below); other bits
//               zero, request and reply not both
//  16     8     sender pid
//  24     8     timestamp, ms since the epoch (UTC)
//  32    16     message id
//  48     8     publisher: one broadcaster, random across processes (never 0)
//  56     8     sequence: the publisher's number for this message on this channel,
//               counting from 1 (exactly once and loss accounting go by it)
//  64     ...   channel (UTF-8), sender name (UTF-8), reference (16 bytes, only on a
//               request or reply), payload
//
// A shared payload is not in the frame: in its place the head ends with 8 bytes, the
// payload's offset in shared memory the sender passed over the same connection (the
// local socket's large messages). Only that transport's listener reads such frames;
// decodeFrame() finds them invalid.
//
// The reference of a request names where replies go: the asking process's reply inbox,
// a listener id (its reply channel is replyChannelOf() that id). The reference of a
// reply is the id of the request it answers.
//
// An acknowledgement goes the other way, from a listener back to a sender on the
// transports that have a way back (the local socket): 16 bytes,
//
//   0     4     magic "XDMA"
//   4     1     version (1)
//   5     3     reserved, zero
//   8     8     frames of this connection the listener has taken so far (cumulative)

#include <QtCore/QByteArray>
#include <QtCore/QByteArrayView>
#include <QtCore/QString>

#include <array>
#include <cstring>

namespace XDMessagingPrivate {

constexpr qsizetype FrameHeaderSize = 64;
constexpr qsizetype MaximumChannelNameBytes = 255;
constexpr qsizetype MaximumSenderNameBytes = 255;
constexpr quint8 FrameVersion = 2;
constexpr qsizetype AcknowledgementSize = 16;
constexpr quint8 MaximumPayloadType = 2;

using MessageId = std::array<char, 16>;

enum FrameFlag : quint16 {
    RequestFlag = 1,
    ReplyFlag = 2,
    RetainedFlag = 4,
    SharedPayloadFlag = 8,
    KnownFrameFlags = RequestFlag | ReplyFlag | RetainedFlag | SharedPayloadFlag,
};
constexpr qsizetype FrameReferenceSize = 16;
constexpr qsizetype SharedPayloadOffsetSize = 8;

struct FrameMeta
{
    quint8 payloadType = 0;
    qint64 senderPid = 0;
    qint64 timestampMs = 0;
    MessageId id {};
    quint64 publisher = 0;
    quint64 sequence = 0;
    quint16 flags = 0;
    MessageId reference {}; // on a request or reply only
    bool hasReference() const { return flags & (RequestFlag | ReplyFlag); }
};

// The fixed header plus channel and sender name, as parsed by decodeFrameHead().
struct FrameHead
{
    FrameMeta meta;
    QByteArray channel; // UTF-8, validated
    QByteArray senderName; // UTF-8, validated
    quint32 payloadLength = 0;
    quint64 sharedPayloadOffset = 0; // with SharedPayloadFlag: where the payload lies
    qsizetype headSize = 0; // header + channel + sender name + reference (+ shared offset)
    bool hasSharedPayload() const { return meta.flags & SharedPayloadFlag; }
    // Of the frame in the stream: a shared payload is not in it.
    qint64 frameSize() const { return qint64(headSize) + (hasSharedPayload() ? 0 : payloadLength); }
};

struct Frame
{
    FrameHead head;
    QByteArray payload;
};

// Malformed: the framing cannot be trusted (bad magic, version, reserved field, lengths
// out of range): nothing after it can be read, so the connection goes. Invalid: the
// framing is intact but the content is not acceptable (unknown payload type, payload
// over the limit, a channel or sender name or text that is not valid UTF-8): that one
// frame, head.frameSize() bytes, is skipped and the stream goes on.
enum class DecodeStatus { NeedMoreData, Complete, Invalid, Malformed };

// A message as it goes out: the head (header, channel, sender name) and the payload are
// kept apart so that a large payload is never copied into a frame buffer.
struct EncodedFrame
{
    QByteArray head;
    QByteArray payload;
    quint64 publisher = 0; // as in the head, for transports that show it outside the frame
    quint64 sequence = 0;
    quint16 flags = 0;
    bool isRetainedValue() const { return flags & RetainedFlag; }
    qint64 size() const { return qint64(head.size()) + payload.size(); }
};

// Encodes a frame. channelUtf8 must already be a valid channel name; senderNameUtf8 is cut
// to MaximumSenderNameBytes at a character boundary.
EncodedFrame encodeFrame(const FrameMeta &meta, QByteArrayView channelUtf8, QByteArrayView senderNameUtf8,
                         const QByteArray &payload);
// The same into *frame, whose head's buffer is written over when nobody else shares it:
// a sender that keeps one EncodedFrame encodes without allocating.
void encodeFrameInto(const FrameMeta &meta, QByteArrayView channelUtf8, QByteArrayView senderNameUtf8,
                     const QByteArray &payload, EncodedFrame *frame);

// Writes head (an EncodedFrame's) to out as the head of a frame whose payload lies at
// offset in shared memory: head.size() + SharedPayloadOffsetSize bytes.
void encodeSharedPayloadHead(QByteArrayView head, quint64 offset, char *out);
// Sets the offset in such a head, of sharedHeadSize bytes.
void setSharedPayloadOffset(char *sharedHead, qsizetype sharedHeadSize, quint64 offset);

// Parses the head of the frame at the start of data. Complete means head->headSize bytes
// were enough; the payload may still be incomplete. Invalid and Malformed set *error;
// Invalid also sets head->headSize and head->payloadLength, so the frame can be skipped.
// A channel or sender name equal to the one *head holds already is kept, neither copied
// nor checked again: pass a fresh head, or the one of the frame decoded before (a stream
// of one sender on one channel then decodes without allocating).
DecodeStatus decodeFrameHead(QByteArrayView data, qint64 maximumPayload, FrameHead *head, QString *error);

// Whether a and b hold the same bytes. Qt's operator== goes through an out-of-line
// ordering comparison: with it, decodeFrameHead() took 225 instructions a frame, 181 with
// this (callgrind).
inline bool equalBytes(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), size_t(a.size())) == 0);
}

// Whether a and b hold the same bytes. The names a stream repeats share their data (see
// decodeFrameHead()), which says so without comparing.
inline bool sameBytes(const QByteArray &a, const QByteArray &b)
{
    return a.isSharedWith(b) || equalBytes(a, b);
}

// Parses one whole frame at the start of data; on Complete, frame->head.frameSize() bytes
// of data were used. Invalid may come before the whole frame is there (judged from the
// head): the caller skips frame->head.frameSize() bytes, some of which may not have
// arrived yet.
DecodeStatus decodeFrame(QByteArrayView data, qint64 maximumPayload, Frame *frame, QString *error);

// An acknowledgement of framesTaken frames (see the top of this file).
QByteArray encodeAcknowledgement(quint64 framesTaken);
// Parses the acknowledgement at the start of data: NeedMoreData, Complete (then
// AcknowledgementSize bytes were used) or Malformed with *error.
DecodeStatus decodeAcknowledgement(QByteArrayView data, quint64 *framesTaken, QString *error);

// Checks what a payload of the given type must satisfy (text and JSON must be UTF-8).
bool payloadMatchesType(quint8 payloadType, QByteArrayView payload, QString *error);

// Strict UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(QByteArrayView bytes);

// Why utf8 is not a valid channel name (empty, too long, invalid UTF-8, control
// characters), or an empty string when it is.
QString channelNameProblemUtf8(QByteArrayView utf8);

// The channel on which the reply inbox with this listener id receives replies. Its prefix
// is reserved: applications cannot register or send to it, and listings leave it out.
QByteArray replyChannelOf(const MessageId &inboxId);
bool isReplyChannel(QByteArrayView channelUtf8);
constexpr QByteArrayView ReplyChannelPrefix("xdmessaging.reply.");

// Cuts utf8 to at most maxBytes without splitting a character.
QByteArrayView truncatedUtf8(QByteArrayView utf8, qsizetype maxBytes);

} // namespace XDMessagingPrivate
