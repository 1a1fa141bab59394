// SPDX-License-Identifier: MIT
#include "core/xdmessage_p.h"

#include "core/messageid_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDebug>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QMetaEnum>

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
    d->flags = frame.head.meta.flags;
    d->reference = frame.head.meta.reference;
    d->publisher = frame.head.meta.publisher;
    return XDMessage(d);
}

XDMessage XDMessagePrivate::asReplyOn(const XDMessage &reply, const QString &requestChannel)
{
    XDMessage shown = reply;
    shown.d->channel = requestChannel;
    return shown;
}

XDMessage XDMessage::create(const QString &channel, const QByteArray &payload, PayloadType type)
{
    auto *d = new XDMessagePrivate;
    d->channel = channel;
    d->payload = payload;
    d->payloadType = type;
    d->senderPid = QCoreApplication::applicationPid();
    d->senderName = QCoreApplication::applicationName();
    d->timestampMs = QDateTime::currentMSecsSinceEpoch();
    d->id = XDMessagingPrivate::nextMessageId();
    d->transport = XDTransport::Auto;
    return XDMessage(d);
}

XDMessage XDMessage::create(const QString &channel, const QString &text)
{
    return create(channel, text.toUtf8(), PayloadType::Text);
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

QJsonValue XDMessage::jsonValue() const
{
    // QJsonDocument holds only objects and arrays; a JSON text that is a single value
    // is read as the one element of an array.
    const QByteArray bytes = payload();
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(bytes, &error);
    if (error.error == QJsonParseError::NoError)
        return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + bytes + ']', &error);
    if (error.error != QJsonParseError::NoError || wrapped.array().size() != 1)
        return QJsonValue(QJsonValue::Undefined);
    return wrapped.array().first();
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
    return XDMessagingPrivate::messageIdToUuid(d->id);
}

XDTransport XDMessage::transport() const
{
    return d ? d->transport : XDTransport::Auto;
}

bool XDMessage::isRetained() const
{
    return d && d->retained;
}

bool XDMessage::isRequest() const
{
    return d && (d->flags & XDMessagingPrivate::RequestFlag);
}

QDebug operator<<(QDebug debug, const XDMessage &message)
{
    const QDebugStateSaver saver(debug);
    debug.nospace();
    if (message.isNull())
        return debug << "XDMessage()";
    const char *type = QMetaEnum::fromType<XDMessage::PayloadType>().valueToKey(int(message.payloadType()));
    return debug << "XDMessage(channel: " << message.channel() << ", from: " << message.senderName() << " ("
                 << message.senderPid() << "), " << type << ", " << message.payload().size() << " bytes)";
}
