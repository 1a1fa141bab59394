// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QJsonValue>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QUuid>

class QDebug;
class QJsonDocument;
class QJsonParseError;
class XDMessagePrivate;

/*!
    One message received on a channel.

    An implicitly shared value type: cheap to copy, safe to pass through queued
    connections. The payload is always bytes; text() decodes it as UTF-8.

    A gadget: its read-only properties (\c channel, \c text, \c payload, \c json,
    \c payloadType, \c senderPid, \c senderName, \c timestamp, \c id, \c transport)
    are what QML sees of a message, and \c qDebug() prints its channel, sender and size.
*/
class XDMESSAGING_EXPORT XDMessage
{
    Q_GADGET
    /*! The channel it was sent on. */
    Q_PROPERTY(QString channel READ channel CONSTANT)
    /*! The payload decoded as UTF-8. */
    Q_PROPERTY(QString text READ text CONSTANT)
    /*! The payload as bytes. */
    Q_PROPERTY(QByteArray payload READ payload CONSTANT)
    /*! The payload parsed as JSON; see jsonValue(). */
    Q_PROPERTY(QJsonValue json READ jsonValue CONSTANT)
    /*! How the sender handed the payload over. */
    Q_PROPERTY(PayloadType payloadType READ payloadType CONSTANT)
    /*! The process id of the sender. */
    Q_PROPERTY(qint64 senderPid READ senderPid CONSTANT)
    /*! The sender's application name. */
    Q_PROPERTY(QString senderName READ senderName CONSTANT)
    /*! When the sender sent it. */
    Q_PROPERTY(QDateTime timestamp READ timestamp CONSTANT)
    /*! The message's unique id. */
    Q_PROPERTY(QUuid id READ id CONSTANT)
    /*! The transport that carried it. */
    Q_PROPERTY(XDTransport transport READ transport CONSTANT)
    /*! Whether this is its channel's retained value, sent before the listener registered. */
    Q_PROPERTY(bool retained READ isRetained CONSTANT)
    /*! Whether the sender waits for replies; see isRequest(). */
    Q_PROPERTY(bool request READ isRequest CONSTANT)
public:
    /*! How the sender handed over the payload. An int underneath, as QML reads enum
        properties (the frame stores one byte). */
    enum class PayloadType {
        Binary = 0, ///< Bytes (the QByteArray overload of XDBroadcaster::sendToChannel()).
        Text = 1, ///< UTF-8 text.
        Json = 2, ///< A JSON document in compact form.
    };
    Q_ENUM(PayloadType)

    XDMessage();
    /*! Copies \a other; cheap, the data is shared. */
    XDMessage(const XDMessage &other);
    /*! Takes the data of \a other. */
    XDMessage(XDMessage &&other) noexcept;
    /*! Makes this a copy of \a other. */
    XDMessage &operator=(const XDMessage &other);
    /*! Takes the data of \a other. */
    XDMessage &operator=(XDMessage &&other) noexcept;
    ~XDMessage();
    /*! Swaps this message with \a other. */
    void swap(XDMessage &other) noexcept { d.swap(other.d); }

    /*!
        Builds a message on \a channel carrying \a payload of \a type, as if this process
        had sent it: the sender is this process, the timestamp is now, the id is new, and
        transport() is XDTransport::Auto (no transport carried it). For unit tests of the
        slots an application connects to XDListener::messageReceived(), and for handing a
        message on inside the process.
    */
    static XDMessage create(const QString &channel, const QByteArray &payload, PayloadType type = PayloadType::Binary);
    /*! Builds a message carrying \a text as UTF-8 (PayloadType::Text); see the other overload. */
    static XDMessage create(const QString &channel, const QString &text);

    /*! Returns true for a default-constructed message that carries nothing. */
    bool isNull() const;

    /*! The channel it was sent on. */
    QString channel() const;
    /*! The payload, as the sender's bytes. */
    QByteArray payload() const;
    /*! How the sender handed the payload over. */
    PayloadType payloadType() const;
    /*! Returns the payload decoded as UTF-8 (invalid sequences become U+FFFD). */
    QString text() const;
    /*! Returns true when the payload is valid UTF-8. */
    bool isValidUtf8() const;
    /*! Returns the payload parsed as JSON; \a error, if given, says why parsing failed. */
    QJsonDocument json(QJsonParseError *error = nullptr) const;
    /*!
        The payload parsed as JSON, as a value: the object, array, or (for a JSON text
        that is one) string, number or boolean; QJsonValue::Undefined when it is not
        JSON. This is the \c json property that QML reads.
    */
    QJsonValue jsonValue() const;

    /*! The process id of the sender. */
    qint64 senderPid() const;
    /*! The sender's application name (QCoreApplication::applicationName()). */
    QString senderName() const;
    /*! When the sender sent the message (sender's clock, millisecond precision, UTC). A
        change of the sender's system clock shows in its timestamps within 100 ms. */
    QDateTime timestamp() const;
    /*! A unique id per message: a random per-sender prefix and a counter. */
    QUuid id() const;
    /*! The transport that carried the message to this listener (Auto for create()). */
    XDTransport transport() const;
    /*!
        True when the message is its channel's retained value (XDBroadcaster::sendRetained()),
        sent before this listener registered the channel and delivered first on
        registration. Messages sent later are delivered live, with this false.
    */
    bool isRetained() const;
    /*!
        True when the message is a request (XDBroadcaster::request()): its sender waits
        for replies, which XDListener::reply() sends back to it alone.
    */
    bool isRequest() const;

private:
    friend class XDMessagePrivate;
    explicit XDMessage(XDMessagePrivate *d);
    QSharedDataPointer<XDMessagePrivate> d;
};

Q_DECLARE_SHARED(XDMessage)
Q_DECLARE_METATYPE(XDMessage)

/*! Writes the message's channel, sender (name and pid), payload type and size to \a debug. */
XDMESSAGING_EXPORT QDebug operator<<(QDebug debug, const XDMessage &message);
