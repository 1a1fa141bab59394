// SPDX-License-Identifier: MIT
#pragma once

// What a native-window listener's inbox property holds: pieces of frames (frame_p.h),
// each appended by one ChangeProperty request, so pieces of different senders may
// interleave but a piece is never split. A frame that fits one request is one piece;
// a larger one is several, and the listener puts them back together per sender. No
// server grab is needed, and a sender that dies in the middle of a message leaves only
// its own unfinished message behind. Any X client can append to an inbox, so parsing
// treats it as untrusted.
//
//  offset size  field
//   0     4     magic "XDMP"
//   4     4     the sender's acknowledgement window, where the listener reports what
//               it took (a ClientMessage), and which it watches for the sender's end
//   8     4     message serial: the sender's count of its messages, from 1
//  12     4     piece length in bytes; bit 31 set on the last piece of a message
//  16     ...   the piece: the next bytes of the frame

#include "codec/frame_p.h"

#include <QtCore/QHash>
#include <QtCore/QList>

#include <vector>

namespace XDMessagingPrivate {

constexpr qsizetype InboxPieceHeaderSize = 16;

struct InboxPieceHeader
{
    quint32 senderWindow = 0;
    quint32 serial = 0;
    quint32 length = 0;
    bool last = false;
};

QByteArray encodeInboxPieceHeader(const InboxPieceHeader &header);
// NeedMoreData, Complete (InboxPieceHeaderSize bytes used) or Malformed with *error.
DecodeStatus decodeInboxPieceHeader(QByteArrayView data, InboxPieceHeader *header, QString *error);

// Puts pieces back together, per sender, into frames.
class InboxAssembler
{
public:
    struct Output
    {
        std::vector<Frame> frames; // whole and acceptable, in order of completion
        QHash<quint32, quint64> takenBySender; // messages finished, delivered or dropped
        QList<QByteArray> cutChannels; // messages left unfinished: the sender is gone
        QStringList problems; // what was dropped, and why (to be logged)
    };

    explicit InboxAssembler(qint64 maximumPayload) : m_maximumPayload(maximumPayload) {}
    void setMaximumPayload(qint64 bytes) { m_maximumPayload = bytes; }
    // Takes the whole pieces in bytes (what one read of the inbox returned); an
    // incomplete piece at the end waits for the next feed.
    void feed(QByteArrayView bytes, Output *out);
    // The sender is gone: its unfinished message, if any, is cut (cutChannels has its
    // channel when its head had arrived, else an empty entry). A new message under the
    // same window id cuts it too (the id was given to another client).
    void senderGone(quint32 senderWindow, Output *out);
    bool hasUnfinishedMessageFrom(quint32 senderWindow) const { return m_partials.contains(senderWindow); }
    QList<quint32> sendersWithUnfinishedMessages() const { return m_partials.keys(); }

private:
    struct Partial
    {
        quint32 serial = 0;
        QByteArray bytes;
        bool dropping = false; // unacceptable: the rest of its pieces are skipped
        QByteArray channel; // once the head is known
        qint64 frameSize = -1; // once the head is known
    };
    // Senders with an unfinished message at a time: more are refused (a faulty writer).
    static constexpr qsizetype MaximumUnfinished = 1024;
    void takePiece(const InboxPieceHeader &header, QByteArrayView piece, Output *out);
    void checkHead(Partial *partial, Output *out) const;
    void finish(quint32 senderWindow, Partial &&partial, Output *out);

    qint64 m_maximumPayload;
    QByteArray m_pending; // the start of a piece not yet whole (only from a faulty writer)
    QHash<quint32, Partial> m_partials; // unfinished messages, by sender window
};

} // namespace XDMessagingPrivate
