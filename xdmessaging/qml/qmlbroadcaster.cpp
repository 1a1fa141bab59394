// SPDX-License-Identifier: MIT
#include "qmlbroadcaster_p.h"

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QJsonValue>
#include <QtQml/QJSValue>

XDQmlBroadcaster::XDQmlBroadcaster(QObject *parent) : XDBroadcaster(parent) {}

XDSendResult XDQmlBroadcaster::send(const QString &channel, const QVariant &scriptValue)
{
    // Objects and arrays arrive as QJSValue; their variant form is a map or a list.
    const QVariant payload = scriptValue.metaType() == QMetaType::fromType<QJSValue>()
                                     ? scriptValue.value<QJSValue>().toVariant()
                                     : scriptValue;
    switch (payload.metaType().id()) {
    case QMetaType::UnknownType: // undefined
    case QMetaType::Nullptr: // null
        return sendToChannel(channel, QByteArray());
    case QMetaType::QString:
        return sendToChannel(channel, payload.toString());
    case QMetaType::QByteArray: // an ArrayBuffer
        return sendToChannel(channel, payload.toByteArray());
    case QMetaType::QVariantMap:
    case QMetaType::QVariantList:
    case QMetaType::QJsonObject:
    case QMetaType::QJsonArray: {
        const QJsonValue json = QJsonValue::fromVariant(payload);
        return sendToChannel(channel, json.isObject() ? QJsonDocument(json.toObject()) : QJsonDocument(json.toArray()));
    }
    default: // numbers, booleans, dates: as the text a script would print
        return sendToChannel(channel, payload.toString());
    }
}
