// SPDX-License-Identifier: MIT
#include "codec/x11inbox_p.h"

#include <QtCore/QtEndian>

#include <cstring>

namespace XDMessagingPrivate {

namespace {

constexpr char PieceMagic[4] = {'X', 'D', 'M', 'P'};
constexpr quint32 LastPieceBit = 0x80000000u;

} // namespace

QByteArray encodeInboxPieceHeader(const InboxPieceHeader &header)
{
    QByteArray bytes(InboxPieceHeaderSize, Qt::Uninitialized);
    char *h = bytes.data();
    std::memcpy(h, PieceMagic, sizeof PieceMagic);
    qToLittleEndian(header.senderWindow, h + 4);
    qToLittleEndian(header.serial, h + 8);
    qToLittleEndian(header.length | (header.last ? LastPieceBit : 0), h + 12);
    return bytes;
}

DecodeStatus decodeInboxPieceHeader(QByteArrayView data, InboxPieceHeader *header, QString *error)
{
    if (data.size() < InboxPieceHeaderSize)
        return DecodeStatus::NeedMoreData;
    const char *h = data.data();
    if (std::memcmp(h, PieceMagic, sizeof PieceMagic) != 0) {
        *error = QStringLiteral("bad inbox piece magic");
        return DecodeStatus::Malformed;
    }
    header->senderWindow = qFromLittleEndian<quint32>(h + 4);
    header->serial = qFromLittleEndian<quint32>(h + 8);
    const quint32 length = qFromLittleEndian<quint32>(h + 12);
    header->length = length & ~LastPieceBit;
    header->last = (length & LastPieceBit) != 0;
    return DecodeStatus::Complete;
}

void InboxAssembler::feed(QByteArrayView bytes, Output *out)
{
    QByteArray joined;
    if (!m_pending.isEmpty()) {
        joined = m_pending + bytes.toByteArray();
        bytes = joined;
        m_pending.clear();
    }
    qsizetype used = 0;
    for (;;) {
        InboxPieceHeader header;
        QString error;
        const QByteArrayView rest = bytes.sliced(used);
        const DecodeStatus status = decodeInboxPieceHeader(rest, &header, &error);
        if (status == DecodeStatus::Malformed) {
            // Nothing after it can be trusted; the senders' unfinished messages wait for
            // pieces that may still come in later reads.
            out->problems.append(QStringLiteral("dropping %1 inbox bytes: %2").arg(rest.size()).arg(error));
            return;
        }
        if (status == DecodeStatus::NeedMoreData || rest.size() - InboxPieceHeaderSize < qsizetype(header.length)) {
            m_pending = rest.toByteArray();
            return;
        }
        takePiece(header, rest.sliced(InboxPieceHeaderSize, header.length), out);
        used += InboxPieceHeaderSize + qsizetype(header.length);
    }
}

void InboxAssembler::takePiece(const InboxPieceHeader &header, QByteArrayView piece, Output *out)
{
    auto found = m_partials.find(header.senderWindow);
    if (found != m_partials.end() && found->serial != header.serial) {
        // A new message before the last one ended: a sender never does that, so the window
        // id is someone else's now (the X server reuses the ids of clients that are gone),
        // or pieces were dropped here. Either way the unfinished one is cut; not counted
        // as taken, or the new owner of the id would be credited with it.
        out->problems.append(
                QStringLiteral("cutting an unfinished message from window 0x%1").arg(header.senderWindow, 0, 16));
        out->cutChannels.append(found->channel);
        m_partials.erase(found);
        found = m_partials.end();
    }
    if (found == m_partials.end()) {
        if (!header.last && m_partials.size() >= MaximumUnfinished) {
            out->problems.append(QStringLiteral("dropping a piece: too many unfinished messages"));
            return;
        }
        found = m_partials.insert(header.senderWindow, Partial {header.serial, {}, false, {}, -1});
    }
    Partial &partial = *found;
    if (!partial.dropping) {
        partial.bytes.append(piece.data(), piece.size());
        checkHead(&partial, out);
    }
    if (header.last) {
        Partial finished = std::move(partial);
        m_partials.erase(found);
        finish(header.senderWindow, std::move(finished), out);
    }
}

// Judges the frame by its head as soon as the head is there: an unacceptable one (too
// large, say) is not buffered any further.
void InboxAssembler::checkHead(Partial *partial, Output *out) const
{
    if (partial->frameSize >= 0) {
        if (partial->bytes.size() <= partial->frameSize)
            return;
        out->problems.append(QStringLiteral("dropping a message: its pieces are longer than its frame"));
        partial->dropping = true;
        partial->bytes.clear();
        return;
    }
    FrameHead head;
    QString error;
    const DecodeStatus status = decodeFrameHead(partial->bytes, m_maximumPayload, &head, &error);
    if (status == DecodeStatus::NeedMoreData)
        return;
    if (status == DecodeStatus::Complete && partial->bytes.size() <= head.frameSize()) {
        partial->channel = head.channel;
        partial->frameSize = head.frameSize();
        return;
    }
    out->problems.append(
            QStringLiteral("dropping a message: %1")
                    .arg(status == DecodeStatus::Complete ? QStringLiteral("longer than its frame") : error));
    partial->dropping = true;
    partial->bytes.clear();
}

void InboxAssembler::finish(quint32 senderWindow, Partial &&partial, Output *out)
{
    ++out->takenBySender[senderWindow];
    if (partial.dropping)
        return;
    Frame frame;
    QString error;
    const DecodeStatus status = decodeFrame(partial.bytes, m_maximumPayload, &frame, &error);
    if (status == DecodeStatus::Complete && frame.head.frameSize() == partial.bytes.size()) {
        out->frames.push_back(std::move(frame));
        return;
    }
    if (status == DecodeStatus::Complete || status == DecodeStatus::NeedMoreData)
        error = QStringLiteral("its pieces do not make one frame");
    out->problems.append(QStringLiteral("dropping a message: %1").arg(error));
}

void InboxAssembler::senderGone(quint32 senderWindow, Output *out)
{
    const auto found = m_partials.constFind(senderWindow);
    if (found == m_partials.constEnd())
        return;
    out->cutChannels.append(found->channel);
    m_partials.erase(found);
}

} // namespace XDMessagingPrivate
