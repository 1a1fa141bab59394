// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdpresence.h>

#include <QtQml/qqmlregistration.h>

/*
    Presence in QML: an XDPresence watching every channel until its channel property is
    set. Its listeners property is a list of XDListenerInfo values (id, pid, name,
    transports, channels), fit for a ListView's model.
*/
class XDQmlPresence : public XDPresence
{
    Q_OBJECT
    QML_NAMED_ELEMENT(Presence)
public:
    explicit XDQmlPresence(QObject *parent = nullptr) : XDPresence(QString(), parent) {}
};
