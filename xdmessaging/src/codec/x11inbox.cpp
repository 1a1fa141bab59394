// SPDX-License-Identifier: MIT
#include "codec/x11inbox_p.h"

#include <QtCore/QtEndian>

#include <cstring>

namespace XDMessagingPrivate {

namespace {

constexpr char EnvelopeMagic[4] = {'X', 'D', 'M', 'W'};

} // namespace

QByteArray encodeInboxEnvelope(quint32 senderWindow)
{
    QByteArray bytes(InboxEnvelopeSize, Qt::Uninitialized);
    std::memcpy(bytes.data(), EnvelopeMagic, sizeof EnvelopeMagic);
    qToLittleEndian(senderWindow, bytes.data() + 4);
    return bytes;
}

DecodeStatus decodeInboxEnvelope(QByteArrayView data, quint32 *senderWindow, QString *error)
{
    if (data.size() < InboxEnvelopeSize)
        return DecodeStatus::NeedMoreData;
    if (std::memcmp(data.data(), EnvelopeMagic, sizeof EnvelopeMagic) != 0) {
        *error = QStringLiteral("bad inbox envelope magic");
        return DecodeStatus::Malformed;
    }
    *senderWindow = qFromLittleEndian<quint32>(data.data() + 4);
    return DecodeStatus::Complete;
}

} // namespace XDMessagingPrivate
