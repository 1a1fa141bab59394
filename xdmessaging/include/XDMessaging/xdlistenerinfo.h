// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtCore/QUuid>

/*!
    A live listener as seen by senders: who it is, where it listens, and on what.
    Returned by XDBroadcaster::listeners().
*/
struct XDListenerInfo
{
    QUuid id;                       ///< stable for the listener's lifetime, the same on every transport
    qint64 pid = 0;                 ///< the listening process
    QString name;                   ///< its application name
    QList<XDTransport> transports;  ///< every transport it can be reached on
    QStringList channels;           ///< the channels it is registered on
};

Q_DECLARE_METATYPE(XDListenerInfo)
