// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdlistenerinfo.h>

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <memory>

class XDPresencePrivate;

/*!
    Watches who listens: on one channel, or on any.

    \code
    XDPresence presence(QStringLiteral("commands"));
    QObject::connect(&presence, &XDPresence::listenerJoined, [](const XDListenerInfo &listener) {
        qInfo() << listener.name() << "listens now";
    });
    QObject::connect(&presence, &XDPresence::listenerLeft,
                     [](const XDListenerInfo &listener, XDPresence::Departure how) {
                         qInfo() << listener.name() << (how == XDPresence::Vanished ? "died" : "left");
                     });
    \endcode

    A listener is present on a channel from the moment senders can reach it there
    (XDListener::registerChannel() returned) until it unregisters the channel, is
    destroyed, or its process ends. With no channel, a listener is present while it is
    registered on any channel. A listener reachable over several transports (Auto) is one
    listener: it joins once and leaves once, when the last of them lets it go.

    Nothing is polled. On the local socket the runtime directory is watched (inotify),
    and a connection is held to each listener seen, which the kernel closes when its
    process dies; on the native window the registry's PropertyNotify and each listener
    window's DestroyNotify tell. A listener killed is noticed at once, well within 2 s.

    On the network (XDTransport::Network, or Auto with a Redis URL configured), each
    listener keeps a key in Redis alive with a heartbeat every second; the key expires
    4 s after the last one, and a listener that leaves deletes it and leaves a mark.
    Watchers read the keys every second: a join or a goodbye is seen within about 1 s,
    a listener killed on another machine within about 5 s. Listeners present when
    the watcher starts are reported as joins once Redis answered. A listener seen
    dead on a local transport is gone at once, whatever Redis still shows.

    Signals come from the watcher's event loop; a slot may delete the watcher.
*/
class XDMESSAGING_EXPORT XDPresence : public QObject
{
    Q_OBJECT
    /*! The channel watched; empty for every listener on any channel. */
    Q_PROPERTY(QString channel READ channel WRITE setChannel NOTIFY channelChanged)
    /*! The transport watched; see setTransport(). */
    Q_PROPERTY(XDTransport transport READ transport WRITE setTransport NOTIFY transportChanged)
    /*! The listeners present now, in the order they were first seen. */
    Q_PROPERTY(QList<XDListenerInfo> listeners READ listeners NOTIFY listenersChanged)
    /*! How many listeners are present. */
    Q_PROPERTY(int count READ count NOTIFY listenersChanged)
    /*! The last error; XDError::NoError while every transport asked for is watched. */
    Q_PROPERTY(XDError error READ error NOTIFY errorStringChanged)
    /*! What the last error was, in words. */
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
public:
    /*! How a listener left. */
    enum Departure {
        /*! It unregistered the channel, was destroyed, or its process exited normally. */
        Unregistered,
        /*! Its process ended without a word (killed, crashed) or lost its display. */
        Vanished,
    };
    Q_ENUM(Departure)

    /*! Watches \a channel (every channel when empty) on XDTransport::Auto. */
    explicit XDPresence(const QString &channel = QString(), QObject *parent = nullptr);
    /*! Watches \a channel (every channel when empty) on \a transport. */
    XDPresence(const QString &channel, XDTransport transport, QObject *parent = nullptr);
    ~XDPresence() override;

    /*! The channel watched; empty for any. */
    QString channel() const;
    /*!
        Watches \a channel from now on. Listeners present on the old channel and not on
        the new one leave, those only on the new one join, as signals.
    */
    void setChannel(const QString &channel);

    /*! The transport asked for (after \c XDMESSAGING_TRANSPORT). */
    XDTransport transport() const;
    /*!
        Watches \a transport from now on; listeners only the old transports reached
        leave, as signals, and new ones join.
    */
    void setTransport(XDTransport transport);

    /*!
        The listeners present now. Complete as soon as the watcher is constructed, and
        as soon as setChannel() or setTransport() returns; otherwise it changes only
        just before the signal that tells the change (listenerJoined(), listenerLeft()
        or listenersChanged()), never ahead of it.
    */
    QList<XDListenerInfo> listeners() const;
    /*! How many listeners are present now. */
    int count() const;

    /*! The last error; XDError::NoError while every transport asked for is watched. */
    XDError error() const;
    /*! What the last error was, in words; empty when there is none. */
    QString errorString() const;

Q_SIGNALS:
    /*! \a listener registered the channel watched (or, watching every channel, its first one). */
    void listenerJoined(const XDListenerInfo &listener);
    /*! \a listener is no longer present; \a how says whether it said so. */
    void listenerLeft(const XDListenerInfo &listener, XDPresence::Departure how);
    /*!
        listeners() changed: a join, a leave, or a present listener's channels or name.
        After a setter, emitted before it returns.
    */
    void listenersChanged();
    /*! setChannel() changed the channel. */
    void channelChanged();
    /*! setTransport() changed the transport. */
    void transportChanged();
    /*! error() and errorString() changed. */
    void errorStringChanged();
    /*! A transport could not be watched, or stopped being watchable. */
    void errorOccurred(XDError error, const QString &errorString);

private:
    friend class XDPresencePrivate;
    std::unique_ptr<XDPresencePrivate> d;
};
