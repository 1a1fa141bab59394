// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdlistenerinfo.h>
#include <XDMessaging/xdnetworksettings.h>
#include <XDMessaging/xdsendresult.h>

#include <QtCore/QByteArray>
#include <QtCore/QObject>

#include <memory>

class QJsonDocument;
class XDBroadcasterPrivate;
class XDRequest;

/*!
    Sends messages to every listener of a channel.

    \code
    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(QStringLiteral("commands"),
                                                          QStringLiteral("shutdown"));
    if (!result)
        qWarning() << result.errorString();

    // or, fire and forget, from any thread:
    XDBroadcaster::send(QStringLiteral("commands"), QStringLiteral("shutdown"));
    \endcode

    sendToChannel() is thread-safe and returns once the message is accepted for each
    listener: written to the kernel, or put in that listener's send queue, which a
    library thread drains. It never waits longer than sendTimeout() on listeners that are
    alive but not reading (stopped, busy): a listener whose queue stays above
    queueLimit() for that long is reported in the result, and later sends to it fail at
    once until it reads again. Other listeners are never held up by it.

    A broadcaster is one publisher: it numbers its messages per channel, and listeners
    go by those numbers to deliver each message once and to count what they missed. Its
    sends are serialized; use one broadcaster per thread to send in parallel.

    Listeners acknowledge what they took: messages accepted for a listener that dies or
    closes before taking them (queued here, or waiting in its socket or inbox) are
    reported, exactly, through deliveryFailed(). Call flush() before exiting to make
    sure everything accepted has been handed over.

    With setPropagateToNetwork(), or on XDTransport::Network, messages also go through
    Redis (see XDNetworkSettings) to the network listeners of every machine using the
    same server and namespace; see propagateToNetwork() for what is guaranteed.
*/
class XDMESSAGING_EXPORT XDBroadcaster : public QObject
{
    Q_OBJECT
    /*! The transport sent on; see transport() and setTransport(). */
    Q_PROPERTY(XDTransport transport READ transport WRITE setTransport NOTIFY transportChanged)
    /*! How long a send may wait for a listener that is not reading, in milliseconds. */
    Q_PROPERTY(int sendTimeout READ sendTimeout WRITE setSendTimeout NOTIFY sendTimeoutChanged)
    /*! The most bytes queued for one listener; see queueLimit(). */
    Q_PROPERTY(qint64 queueLimit READ queueLimit WRITE setQueueLimit NOTIFY queueLimitChanged)
    /*! The largest payload allowed, in bytes. */
    Q_PROPERTY(qint64 maximumMessageSize READ maximumMessageSize WRITE setMaximumMessageSize NOTIFY
                       maximumMessageSizeChanged)
    /*! Whether messages also go through Redis; see propagateToNetwork(). */
    Q_PROPERTY(bool propagateToNetwork READ propagateToNetwork WRITE setPropagateToNetwork NOTIFY
                       propagateToNetworkChanged)
    /*! How the connection to Redis is doing; XDNetworkState::Off when not propagating. */
    Q_PROPERTY(XDNetworkState networkState READ networkState NOTIFY networkStateChanged)
public:
    /*! Creates a broadcaster on XDTransport::Auto (or what \c XDMESSAGING_TRANSPORT says). */
    explicit XDBroadcaster(QObject *parent = nullptr);
    /*! Creates a broadcaster on \a transport. */
    explicit XDBroadcaster(XDTransport transport, QObject *parent = nullptr);
    /*! Hands over what is still queued, waiting at most sendTimeout(). */
    ~XDBroadcaster() override;

    /*! Sends \a text, encoded as UTF-8, to every listener of \a channel. */
    XDSendResult sendToChannel(const QString &channel, const QString &text);
    /*!
        Sends the UTF-8 string \a text; makes \c sendToChannel("commands", "shutdown") work.
        Bytes that are not valid UTF-8 are refused with XDError::InvalidPayload and nothing
        is sent: listeners could not read them as text. Send bytes as a QByteArray.
    */
    XDSendResult sendToChannel(const QString &channel, const char *text);
    /*! Sends the bytes \a payload to every listener of \a channel. */
    XDSendResult sendToChannel(const QString &channel, const QByteArray &payload);
    /*! Sends \a json in compact form; listeners read it with XDMessage::json(). */
    XDSendResult sendToChannel(const QString &channel, const QJsonDocument &json);

    /*!
        Fire and forget from anywhere: sends \a text on \a channel with a temporary
        broadcaster and waits (at most the default send timeout) until it is handed over.
    */
    static XDSendResult send(const QString &channel, const QString &text, XDTransport transport = XDTransport::Auto);

    /*!
        Waits until everything this broadcaster queued has been handed to the kernel
        (the listeners' sockets, the X server) or reported as failed, for at most \a msecs
        milliseconds (-1: sendTimeout()). Returns false when data is still queued. It
        does not wait for the listeners to acknowledge (a listener may live in the
        calling thread); what they never take is reported by deliveryFailed().
    */
    Q_INVOKABLE bool flush(int msecs = -1);

    /*!
        Every live listener this process can reach on the broadcaster's transports, each
        once. When no transport can be used, returns an empty list and, if \a errorString
        is given, says why there.
    */
    QList<XDListenerInfo> listeners(QString *errorString = nullptr) const;

    /*! The transport asked for (after \c XDMESSAGING_TRANSPORT). */
    XDTransport transport() const;
    /*!
        Sends on \a transport from the next send on. What was queued on the old
        transports is still handed over, and flush() still waits for it.
    */
    void setTransport(XDTransport transport);

    /*! How long a send may wait for a listener that is not reading; default 1000 ms. */
    int sendTimeout() const;
    /*! Sets the send timeout to \a msecs milliseconds (at least 0). */
    void setSendTimeout(int msecs);

    /*! The most bytes queued for one listener before sends wait; default 64 MiB. */
    qint64 queueLimit() const;
    /*! Sets the queue limit to \a bytes (at least 0). */
    void setQueueLimit(qint64 bytes);

    /*! The largest payload allowed, in bytes; default 16 MiB. */
    qint64 maximumMessageSize() const;
    /*! Sets the largest payload allowed to \a bytes (0 to 4 GiB - 1). */
    void setMaximumMessageSize(qint64 bytes);

    /*!
        Whether messages are also propagated through Redis to the listeners that listen
        on the network on every machine; off by default. A broadcaster on
        XDTransport::Network always propagates, and sends nothing locally.

        Guarantee: a message accepted for propagation (XDSendResult::propagatedToNetwork())
        is added to Redis, in the order sent, even when Redis restarts or the
        connection drops: it waits in a bounded queue (queueLimit() bytes) until Redis
        acknowledges it, and what Redis acknowledged in the last 30 seconds is added
        again when the server turns out to be a new one (restarted without persistence).
        Network listeners resume from the last entry they saw and drop what they already
        delivered, so nothing is lost or delivered twice over outages of that length.
        Messages still waiting when the process exits are lost (flush() says so).
        When Redis cannot be reached at all, the send fails for the network part with
        XDError::TransportUnavailable; local listeners still get the message.
    */
    bool propagateToNetwork() const;
    /*! Turns propagation through Redis on or off, as \a propagate says. */
    void setPropagateToNetwork(bool propagate);

    /*!
        How this broadcaster's connection to Redis is doing; Off when it does not
        propagate. It changes just before networkStateChanged(), from the event loop
        (or in setPropagateToNetwork()).
    */
    XDNetworkState networkState() const;

    /*!
        Sends \a text to \a channel, as sendToChannel() does, and makes it the channel's
        retained value: a listener that registers the channel later first gets it
        (XDMessage::isRetained()), then what is sent from then on. An empty message
        clears the value (and is sent as one). The value is kept in the runtime
        directory for this machine's listeners (not across a reboot) and, when the
        message goes to the network (propagateToNetwork(), or XDTransport::Network), in
        Redis. A value that cannot be kept makes the result fail with
        XDError::RuntimeDirectoryError; the message is delivered all the same.
    */
    XDSendResult sendRetained(const QString &channel, const QString &text);
    /*! Sends the UTF-8 string \a text as the retained value; see sendRetained(). */
    XDSendResult sendRetained(const QString &channel, const char *text);
    /*! Sends \a payload (binary) as the retained value; see sendRetained(). */
    XDSendResult sendRetained(const QString &channel, const QByteArray &payload);
    /*! Sends \a json as the retained value; see sendRetained(). */
    XDSendResult sendRetained(const QString &channel, const QJsonDocument &json);

    /*!
        Sends \a text to \a channel as a request and returns the request, whose replies
        arrive as XDRequest::replyReceived() until every listener reached answered or
        \a timeoutMs passed. The request is a child of this broadcaster and lives in
        its thread: call this from the broadcaster's thread, with an event loop. The
        listeners get an ordinary message for which XDMessage::isRequest() is true, and
        answer with XDListener::reply(). How the request itself went (listeners
        reached, failures) is XDRequest::sendResult(); a request that failed or reached
        nobody finishes at once.
    */
    XDRequest *request(const QString &channel, const QString &text, int timeoutMs = DefaultRequestTimeoutMs);
    /*! Sends the UTF-8 string \a text as a request; see request(). */
    XDRequest *request(const QString &channel, const char *text, int timeoutMs = DefaultRequestTimeoutMs);
    /*! Sends \a payload (binary) as a request; see request(). */
    XDRequest *request(const QString &channel, const QByteArray &payload, int timeoutMs = DefaultRequestTimeoutMs);
    /*! Sends \a json as a request; see request(). */
    XDRequest *request(const QString &channel, const QJsonDocument &json, int timeoutMs = DefaultRequestTimeoutMs);
    /*! How long request() waits for replies unless told: 5 s. */
    static constexpr int DefaultRequestTimeoutMs = 5000;

    /*! The default maximum message size of listeners and broadcasters: 16 MiB. */
    static constexpr qint64 DefaultMaximumMessageSize = 16 * 1024 * 1024;

Q_SIGNALS:
    /*! setTransport() changed the transport. */
    void transportChanged();
    /*! setSendTimeout() changed the send timeout. */
    void sendTimeoutChanged();
    /*! setQueueLimit() changed the queue limit. */
    void queueLimitChanged();
    /*! setMaximumMessageSize() changed the limit. */
    void maximumMessageSizeChanged();
    /*! propagateToNetwork() changed (setPropagateToNetwork(), or a transport to or from Network). */
    void propagateToNetworkChanged();
    /*!
        Messages this broadcaster had already accepted were never taken by a listener:
        it died or closed the connection first, with them still queued here or unread
        in its socket or inbox. \a messageCount is exact: what the listener acknowledged
        is not counted.
    */
    void deliveryFailed(const QString &listenerDescription, int messageCount, const QString &reason);
    /*!
        The connection to Redis changed; \a errorString says why when it is
        XDNetworkState::Disconnected. Messages accepted meanwhile wait in the queue.
    */
    void networkStateChanged(XDNetworkState state, const QString &errorString);

private:
    friend class XDBroadcasterPrivate;
    std::unique_ptr<XDBroadcasterPrivate> d;
};
