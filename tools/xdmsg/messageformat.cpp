// SPDX-License-Identifier: MIT
#include "messageformat.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace {

QString payloadTypeName(XDMessage::PayloadType type)
{
    switch (type) {
    case XDMessage::PayloadType::Text:
        return QStringLiteral("text");
    case XDMessage::PayloadType::Json:
        return QStringLiteral("json");
    case XDMessage::PayloadType::Binary:
        break;
    }
    return QStringLiteral("binary");
}

QJsonArray transportNames(const QList<XDTransport> &transports)
{
    QJsonArray names;
    for (const XDTransport transport : transports)
        names.append(xdTransportName(transport));
    return names;
}

QString joinTransports(const QList<XDTransport> &transports)
{
    QStringList names;
    for (const XDTransport transport : transports)
        names.append(xdTransportName(transport));
    return names.join(QLatin1Char(','));
}

} // namespace

QString escapeText(const QString &text)
{
    QString escaped;
    escaped.reserve(text.size());
    for (const QChar c : text) {
        if (c == u'\\')
            escaped += QStringLiteral("\\\\");
        else if (c == u'\n')
            escaped += QStringLiteral("\\n");
        else if (c == u'\t')
            escaped += QStringLiteral("\\t");
        else
            escaped += c;
    }
    return escaped;
}

QByteArray messageLine(const XDMessage &message)
{
    return (escapeText(message.channel()) + QLatin1Char('\t') + escapeText(message.text()) + QLatin1Char('\n'))
            .toUtf8();
}

QByteArray messageJson(const XDMessage &message)
{
    QJsonObject object;
    object.insert(QStringLiteral("channel"), message.channel());
    if (message.isValidUtf8())
        object.insert(QStringLiteral("text"), message.text());
    else
        object.insert(QStringLiteral("payload_base64"), QString::fromLatin1(message.payload().toBase64()));
    object.insert(QStringLiteral("payload_type"), payloadTypeName(message.payloadType()));
    object.insert(QStringLiteral("sender_pid"), message.senderPid());
    object.insert(QStringLiteral("sender_name"), message.senderName());
    object.insert(QStringLiteral("id"), message.id().toString(QUuid::WithoutBraces));
    object.insert(QStringLiteral("transport"), xdTransportName(message.transport()));
    object.insert(QStringLiteral("timestamp"), message.timestamp().toString(Qt::ISODateWithMs));
    if (message.isRetained())
        object.insert(QStringLiteral("retained"), true);
    if (message.isRequest())
        object.insert(QStringLiteral("request"), true);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

namespace {

// PID, name, transports and channels, tab-separated, without a newline.
QString listenerColumns(const XDListenerInfo &listener)
{
    return QString::number(listener.pid()) + QLatin1Char('\t') + escapeText(listener.name()) + QLatin1Char('\t')
           + joinTransports(listener.transports()) + QLatin1Char('\t') + listener.channels().join(QStringLiteral(", "));
}

QJsonObject listenerObject(const XDListenerInfo &listener)
{
    QJsonObject object;
    object.insert(QStringLiteral("id"), listener.id().toString(QUuid::WithoutBraces));
    object.insert(QStringLiteral("pid"), listener.pid());
    object.insert(QStringLiteral("name"), listener.name());
    object.insert(QStringLiteral("transports"), transportNames(listener.transports()));
    object.insert(QStringLiteral("channels"), QJsonArray::fromStringList(listener.channels()));
    return object;
}

} // namespace

QByteArray listenersTable(const QList<XDListenerInfo> &listeners)
{
    QString table = QStringLiteral("PID\tNAME\tTRANSPORTS\tCHANNELS\n");
    for (const XDListenerInfo &listener : listeners)
        table += listenerColumns(listener) + QLatin1Char('\n');
    return table.toUtf8();
}

QByteArray presenceHeader()
{
    return QByteArrayLiteral("EVENT\tPID\tNAME\tTRANSPORTS\tCHANNELS\n");
}

QByteArray presenceLine(const QString &event, const XDListenerInfo &listener)
{
    return (event + QLatin1Char('\t') + listenerColumns(listener) + QLatin1Char('\n')).toUtf8();
}

QByteArray presenceJson(const QString &event, const XDListenerInfo &listener)
{
    QJsonObject object = listenerObject(listener);
    object.insert(QStringLiteral("event"), event);
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

QByteArray listenersJson(const QList<XDListenerInfo> &listeners)
{
    QJsonArray array;
    for (const XDListenerInfo &listener : listeners)
        array.append(listenerObject(listener));
    QJsonObject root;
    root.insert(QStringLiteral("listeners"), array);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}
