// SPDX-License-Identifier: MIT
#include "core/xdmessage_p.h"

#include <QtCore/QJsonDocument>

XDMessage XDMessagePrivate::fromFrame(XDMessagingPrivate::Frame &&frame, const QString &channel,
                                      const QString &senderName, XDTransport transport)
{
    auto *d = new XDMessagePrivate;
    d->channel = channel;
    d->payload = std::move(frame.payload);
    d->payloadType = XDMessage::PayloadType(frame.head.meta.payloadType);
    d->senderPid = frame.head.meta.senderPid;
    d->senderName = senderName;
    d->timestampMs = frame.head.meta.timestampMs;
    d->id = frame.head.meta.id;
    d->transport = transport;
    return XDMessage(d);
}

XDMessage::XDMessage() = default;
XDMessage::XDMessage(XDMessagePrivate *dd) : d(dd) {}
XDMessage::XDMessage(const XDMessage &other) = default;
XDMessage::XDMessage(XDMessage &&other) noexcept = default;
XDMessage &XDMessage::operator=(const XDMessage &other) = default;
XDMessage &XDMessage::operator=(XDMessage &&other) noexcept = default;
XDMessage::~XDMessage() = default;

bool XDMessage::isNull() const
{
    return !d;
}

QString XDMessage::channel() const
{
    return d ? d->channel : QString();
}

QByteArray XDMessage::payload() const
{
    return d ? d->payload : QByteArray();
}

XDMessage::PayloadType XDMessage::payloadType() const
{
    return d ? d->payloadType : PayloadType::Binary;
}

QString XDMessage::text() const
{
    return d ? QString::fromUtf8(d->payload) : QString();
}

bool XDMessage::isValidUtf8() const
{
    return !d || XDMessagingPrivate::isValidUtf8(d->payload);
}

QJsonDocument XDMessage::json(QJsonParseError *error) const
{
    return QJsonDocument::fromJson(payload(), error);
}

qint64 XDMessage::senderPid() const
{
    return d ? d->senderPid : 0;
}

QString XDMessage::senderName() const
{
    return d ? d->senderName : QString();
}

QDateTime XDMessage::timestamp() const
{
    return d ? QDateTime::fromMSecsSinceEpoch(d->timestampMs, Qt::UTC) : QDateTime();
}

QUuid XDMessage::id() const
{
    if (!d)
        return {};
    return QUuid::fromRfc4122(QByteArrayView(d->id.data(), qsizetype(d->id.size())));
}

XDTransport XDMessage::transport() const
{
    return d ? d->transport : XDTransport::Auto;
}
