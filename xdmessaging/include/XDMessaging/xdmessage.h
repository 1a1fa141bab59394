// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QByteArray>
#include <QtCore/QDateTime>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QUuid>

class QJsonDocument;
class QJsonParseError;
class XDMessagePrivate;

/*!
    One message received on a channel.

    An implicitly shared value type: cheap to copy, safe to pass through queued
    connections. The payload is always bytes; text() decodes it as UTF-8.
*/
class XDMESSAGING_EXPORT XDMessage
{
public:
    /*! How the sender handed over the payload. */
    enum class PayloadType : quint8 { Binary = 0, Text = 1, Json = 2 };

    XDMessage();
    XDMessage(const XDMessage &other);
    XDMessage(XDMessage &&other) noexcept;
    XDMessage &operator=(const XDMessage &other);
    XDMessage &operator=(XDMessage &&other) noexcept;
    ~XDMessage();
    void swap(XDMessage &other) noexcept { d.swap(other.d); }

    /*! Returns true for a default-constructed message that carries nothing. */
    bool isNull() const;

    QString channel() const;
    QByteArray payload() const;
    PayloadType payloadType() const;
    /*! Returns the payload decoded as UTF-8 (invalid sequences become U+FFFD). */
    QString text() const;
    /*! Returns true when the payload is valid UTF-8. */
    bool isValidUtf8() const;
    /*! Returns the payload parsed as JSON; \a error, if given, says why parsing failed. */
    QJsonDocument json(QJsonParseError *error = nullptr) const;

    /*! The process id of the sender. */
    qint64 senderPid() const;
    /*! The sender's application name (QCoreApplication::applicationName()). */
    QString senderName() const;
    /*! When the sender sent the message (sender's clock, millisecond precision, UTC). */
    QDateTime timestamp() const;
    /*! A unique id per message: a random per-sender prefix and a counter. */
    QUuid id() const;
    /*! The transport that carried the message to this listener. */
    XDTransport transport() const;

private:
    friend class XDMessagePrivate;
    explicit XDMessage(XDMessagePrivate *d);
    QSharedDataPointer<XDMessagePrivate> d;
};

Q_DECLARE_SHARED(XDMessage)
Q_DECLARE_METATYPE(XDMessage)
