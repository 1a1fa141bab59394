// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdbroadcaster.h>

#include <QtCore/QVariant>
#include <QtQml/qqmlregistration.h>

/*
    Broadcaster in QML: an XDBroadcaster with one send() for every kind of payload a
    script has.
*/
class XDQmlBroadcaster : public XDBroadcaster
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Broadcaster)
public:
    explicit XDQmlBroadcaster(QObject *parent = nullptr);

    // A string goes as text, an ArrayBuffer as bytes, an object or array as JSON, a
    // number, boolean or date as the text a script prints for it, nothing (undefined,
    // null) as an empty message. Returns the send result (ok, listenersReached, ...).
    Q_INVOKABLE XDSendResult send(const QString &channel, const QVariant &payload = QVariant());
};
