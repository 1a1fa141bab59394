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
    Q_PROPERTY(QString channel READ channel CONSTANT)
    Q_PROPERTY(QString text READ text CONSTANT)
    Q_PROPERTY(QByteArray payload READ payload CONSTANT)
    Q_PROPERTY(QJsonValue json READ jsonValue CONSTANT)
    Q_PROPERTY(PayloadType payloadType READ payloadType CONSTANT)
    Q_PROPERTY(qint64 senderPid READ senderPid CONSTANT)
    Q_PROPERTY(QString senderName READ senderName CONSTANT)
    Q_PROPERTY(QDateTime timestamp READ timestamp CONSTANT)
    Q_PROPERTY(QUuid id READ id CONSTANT)
    Q_PROPERTY(XDTransport transport READ transport CONSTANT)
public:
    /*!
        How the sender handed over the payload.

        \value Binary  Bytes (the QByteArray overload of XDBroadcaster::sendToChannel()).
        \value Text    UTF-8 text.
        \value Json    A JSON document in compact form.
    */
    // An int underneath, as QML reads enum properties (the frame stores one byte).
    enum class PayloadType { Binary = 0, Text = 1, Json = 2 };
    Q_ENUM(PayloadType)

    XDMessage();
    XDMessage(const XDMessage &other);
    XDMessage(XDMessage &&other) noexcept;
    XDMessage &operator=(const XDMessage &other);
    XDMessage &operator=(XDMessage &&other) noexcept;
    ~XDMessage();
    void swap(XDMessage &other) noexcept { d.swap(other.d); }

    /*!
        Builds a message on \a channel carrying \a payload of \a type, as if this process
        had sent it: the sender is this process, the timestamp is now, the id is new, and
        transport() is XDTransport::Auto (no transport carried it). For unit tests of the
        slots an application connects to XDListener::messageReceived(), and for handing a
        message on inside the process.
    */
    static XDMessage create(const QString &channel, const QByteArray &payload,
                            PayloadType type = PayloadType::Binary);
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
    /*! When the sender sent the message (sender's clock, millisecond precision, UTC). */
    QDateTime timestamp() const;
    /*! A unique id per message: a random per-sender prefix and a counter. */
    QUuid id() const;
    /*! The transport that carried the message to this listener (Auto for create()). */
    XDTransport transport() const;

private:
    friend class XDMessagePrivate;
    explicit XDMessage(XDMessagePrivate *d);
    QSharedDataPointer<XDMessagePrivate> d;
};

Q_DECLARE_SHARED(XDMessage)
Q_DECLARE_METATYPE(XDMessage)

/*! Writes the message's channel, sender (name and pid), payload type and size to \a debug. */
XDMESSAGING_EXPORT QDebug operator<<(QDebug debug, const XDMessage &message);
