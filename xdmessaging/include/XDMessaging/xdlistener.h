// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdmessage.h>
#include <XDMessaging/xdnetworksettings.h>
#include <XDMessaging/xdsendresult.h>

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QUuid>

#include <memory>

class QJsonDocument;
class XDListener;
class XDListenerPrivate;
namespace XDMessagingPrivate {
bool registerReplyChannel(XDListener *listener, const QString &channel);
}

/*!
    Receives the messages sent to the channels it is registered on.

    \code
    XDListener listener;
    QObject::connect(&listener, &XDListener::messageReceived, [](const XDMessage &message) {
        if (message.text() == u"shutdown")
            QCoreApplication::quit();
    });
    if (!listener.registerChannel(QStringLiteral("commands")))
        qWarning() << listener.errorString();
    \endcode

    Delivery guarantees:
    \list
    \li Messages are delivered in the listener's thread, through its event loop, as
        messageReceived() signals. Use the listener from the thread it lives in.
    \li A slot connected to any of its signals may delete the listener, or run a nested
        event loop (a modal dialog): messages arriving meanwhile wait, in order, until
        the slot returns, and none is delivered twice. errorOccurred(), messagesLost()
        and networkStateChanged() come from the event loop too, never from inside the
        call that caused them.
    \li A process receives its own broadcasts.
    \li Per broadcaster, the order of messages is kept; no message is delivered twice,
        whatever transports it comes by (a message arriving again, late or over another
        transport, is recognised by its publisher's sequence number and dropped).
    \li Once unregisterChannel() returns, nothing more arrives on that channel.
    \li Malformed or oversized input from another process is dropped and logged under
        the \c xdmessaging.* logging categories; the listener keeps serving everyone else.
        A message with unacceptable content is dropped alone: the same sender's next
        messages still arrive. Only broken framing closes that sender's connection.
    \li On the network (XDTransport::Network, or Auto when a Redis URL is configured),
        the listener gets what is added to Redis for its channels after it connected
        (networkStateChanged() says when), resumes after a reconnect where it left off,
        and a message arriving both locally and through Redis is delivered once.
    \endlist
*/
class XDMESSAGING_EXPORT XDListener : public QObject
{
    Q_OBJECT
    /*! The registered channels; assigning registers and unregisters the difference. */
    Q_PROPERTY(QStringList channels READ channels WRITE setChannels NOTIFY channelsChanged)
    /*! The transport listened on; see transport() and setTransport(). */
    Q_PROPERTY(XDTransport transport READ transport WRITE setTransport NOTIFY transportChanged)
    /*! How the connection to Redis is doing; XDNetworkState::Off when not on the network. */
    Q_PROPERTY(XDNetworkState networkState READ networkState NOTIFY networkStateChanged)
    /*! The last error; XDError::NoError after a success. */
    Q_PROPERTY(XDError error READ error NOTIFY errorStringChanged)
    /*! What the last error was, in words; empty after a success. */
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    /*! The largest payload accepted, in bytes. */
    Q_PROPERTY(qint64 maximumMessageSize READ maximumMessageSize WRITE setMaximumMessageSize NOTIFY
                       maximumMessageSizeChanged)
    /*! The listener's identity, the same on every transport. */
    Q_PROPERTY(QUuid id READ id CONSTANT)
    /*! True when every channel is live on every transport listened on; see isReady(). */
    Q_PROPERTY(bool ready READ isReady NOTIFY readyChanged)
    /*! The name senders and XDPresence see; the application name unless set. */
    Q_PROPERTY(QString name READ name WRITE setName NOTIFY nameChanged)
public:
    /*! Creates a listener on XDTransport::Auto (or what \c XDMESSAGING_TRANSPORT says). */
    explicit XDListener(QObject *parent = nullptr);
    /*! Creates a listener on \a transport. */
    explicit XDListener(XDTransport transport, QObject *parent = nullptr);
    ~XDListener() override;

    /*!
        Starts receiving messages sent to \a channel. Returns false, and sets error() and
        errorString(), when the name is invalid or no transport could be started.
        Registering a channel twice is harmless.
    */
    bool registerChannel(const QString &channel);
    /*!
        Stops receiving messages on \a channel; returns false when it was not registered.
        When this returns, no further message of that channel is delivered.
    */
    bool unregisterChannel(const QString &channel);
    /*! The registered channels, in registration order. */
    QStringList channels() const;
    /*!
        Registers what is new in \a channels and unregisters what is missing from it, in
        the order given. A channel that cannot be registered is left out, and error() and
        errorString() say why once the others are done; channels() then tells what is
        registered. This is the \c channels property that QML assigns.
    */
    void setChannels(const QStringList &channels);

    /*! The transport asked for (after \c XDMESSAGING_TRANSPORT). */
    XDTransport transport() const;
    /*!
        Listens on \a transport from now on. A listener that is already listening stops
        on its old transports and registers its channels again on the new ones; messages
        sent meanwhile may be missed. Failures are reported as by registerChannel().
    */
    void setTransport(XDTransport transport);
    /*! The transports this listener is actually listening on; empty before the first channel. */
    QList<XDTransport> activeTransports() const;
    /*! The listener's identity, the same on every transport. */
    QUuid id() const;

    /*!
        True when the listener has channels and every one of them is live on every
        transport it listens on: a message sent from now on reaches it. On the local
        transports that is as soon as registerChannel() returns; on the network, once
        Redis confirmed where the channel's reading starts (after the connection is up),
        and again after a reconnect. Wait for readyChanged() instead of sleeping.
    */
    bool isReady() const;

    /*!
        The name senders see in XDListenerInfo::name() and XDPresence reports: the
        application name (QCoreApplication::applicationName()) unless setName() was called.
    */
    QString name() const;
    /*!
        Names this listener \a name, for people: a user's nickname, a document, a role.
        A listening listener publishes the new name at once; XDPresence watchers see
        its listener change. An empty \a name goes back to the application name.
    */
    void setName(const QString &name);

    /*!
        Answers \a request (a message this listener received, for which
        XDMessage::isRequest() is true) with \a text. The reply goes to the asking
        process alone, over the transport the request came by, and arrives there as
        XDRequest::replyReceived(). Fails with XDError::NotARequest for any other
        message; a reply to an asker that is gone or done is lost, as it would be.
    */
    XDSendResult reply(const XDMessage &request, const QString &text);
    /*! Answers \a request with the UTF-8 string \a text; see reply(). */
    XDSendResult reply(const XDMessage &request, const char *text);
    /*! Answers \a request with \a payload (binary); see reply(). */
    XDSendResult reply(const XDMessage &request, const QByteArray &payload);
    /*! Answers \a request with \a json; see reply(). */
    XDSendResult reply(const XDMessage &request, const QJsonDocument &json);

    /*! The largest payload accepted, in bytes; larger frames are dropped and logged. */
    qint64 maximumMessageSize() const;
    /*! Sets the largest payload accepted to \a bytes (0 to 4 GiB - 1). */
    void setMaximumMessageSize(qint64 bytes);

    /*!
        How the listener's connection to Redis is doing; Off when it does not listen on
        the network. It changes from the event loop, just before networkStateChanged().
    */
    XDNetworkState networkState() const;

    /*! The last error; XDError::NoError when the last operation succeeded. */
    XDError error() const;
    /*! What the last error was, in words; empty when the last operation succeeded. */
    QString errorString() const;

Q_SIGNALS:
    /*! A message arrived on one of the registered channels. */
    void messageReceived(const XDMessage &message);
    /*! A channel was registered or unregistered; channels() has the new list. */
    void channelsChanged();
    /*! setTransport() changed the transport asked for. */
    void transportChanged();
    /*! error() and errorString() changed: a new error, or the last one cleared by success. */
    void errorStringChanged();
    /*!
        isReady() changed: after a registration, a connection to Redis made or lost, or
        the last channel unregistered.
    */
    void readyChanged();
    /*! setName() changed the name. */
    void nameChanged();
    /*! setMaximumMessageSize() changed the limit. */
    void maximumMessageSizeChanged();
    /*!
        Something failed: a call such as registerChannel() (which returned false and set
        errorString() at once; the signal follows from the event loop), or a transport on
        its own (it stopped receiving, ...).
    */
    void errorOccurred(XDError error, const QString &errorString);
    /*!
        \a count messages on \a channel never reached this listener: a gap in a
        publisher's sequence numbers, noticed when its next message arrived, on any
        transport. The sender could not hand them over (this listener was not reading
        and its queue was full), or, on the network, Redis trimmed its stream while the
        listener was too far behind (see XDBroadcaster::propagateToNetwork()). Also
        reported by errorOccurred() with XDError::MessagesLost. An application can
        resynchronise its state here.
    */
    void messagesLost(const QString &channel, qint64 count);
    /*!
        The connection to Redis changed; \a errorString says why when it is
        XDNetworkState::Disconnected (also reported by errorOccurred()).
    */
    void networkStateChanged(XDNetworkState state, const QString &errorString);

private:
    friend class XDListenerPrivate;
    friend bool XDMessagingPrivate::registerReplyChannel(XDListener *listener, const QString &channel);
    std::unique_ptr<XDListenerPrivate> d;
};
