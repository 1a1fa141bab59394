// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QSharedDataPointer>
#include <QtCore/QStringList>

class QDebug;
class XDSendResultPrivate;

/*!
    What became of one XDBroadcaster::sendToChannel() call.

    A send succeeds when every listener of the channel accepted the message (it sits in
    the kernel or in that listener's bounded send queue). Sending to a channel nobody
    listens on succeeds and reaches nobody. When some listeners could not take the
    message, the others still got it: listenersReached() counts them and failures()
    says, per listener, why the rest did not.

    A gadget, so QML reads it as a value with the properties \c ok, \c error,
    \c errorString, \c listenersReached, \c listenersFailed, \c propagatedToNetwork and
    \c failures.
*/
class XDMESSAGING_EXPORT XDSendResult
{
    Q_GADGET
    /*! Whether every listener accepted the message; see isOk(). */
    Q_PROPERTY(bool ok READ isOk CONSTANT)
    /*! The first error. */
    Q_PROPERTY(XDError error READ error CONSTANT)
    /*! What failed, in words. */
    Q_PROPERTY(QString errorString READ errorString CONSTANT)
    /*! How many listeners on this machine accepted the message. */
    Q_PROPERTY(int listenersReached READ listenersReached CONSTANT)
    /*! How many listeners could not take it. */
    Q_PROPERTY(int listenersFailed READ listenersFailed CONSTANT)
    /*! Whether it was accepted for propagation through Redis. */
    Q_PROPERTY(bool propagatedToNetwork READ propagatedToNetwork CONSTANT)
    /*! One line per listener that failed. */
    Q_PROPERTY(QStringList failures READ failures CONSTANT)
public:
    /*! A successful result that reached nobody. */
    XDSendResult();
    /*! Copies \a other; cheap, the data is shared. */
    XDSendResult(const XDSendResult &other);
    /*! Makes this a copy of \a other. */
    XDSendResult &operator=(const XDSendResult &other);
    ~XDSendResult();

    /*! Returns true when the message was accepted for every listener of the channel. */
    bool isOk() const;
    /*! The same as isOk(): \c if (result) reads as "if it went well". */
    explicit operator bool() const { return isOk(); }

    /*! The first error; XDError::NoError on success. */
    XDError error() const;
    /*! A human-readable description of what failed; empty on success. */
    QString errorString() const;

    /*! How many listeners on this machine accepted the message. */
    int listenersReached() const;
    /*!
        Returns true when the message was accepted for propagation through Redis
        (XDTransport::Network, or XDBroadcaster::setPropagateToNetwork()): stored in
        Redis or in the broadcaster's bounded queue for it. Listeners on other machines
        are unknown to the sender, so they are not counted in listenersReached(); a
        message that could not be accepted makes the send fail with the reason in
        failures().
    */
    bool propagatedToNetwork() const;
    /*! How many listeners of the channel could not take it; a failed propagation counts as one. */
    int listenersFailed() const;
    /*!
        One line per listener that failed, naming it and saying why; a failed
        propagation is one more line, starting with "not propagated".
    */
    QStringList failures() const;

    /*! Builds a result that failed as a whole before any listener was tried. */
    static XDSendResult failure(XDError error, const QString &errorString);

private:
    friend class XDSendResultPrivate;
    QSharedDataPointer<XDSendResultPrivate> d;
};

Q_DECLARE_METATYPE(XDSendResult)

/*! Writes whether the send succeeded, how many listeners it reached, and any error to \a debug. */
XDMESSAGING_EXPORT QDebug operator<<(QDebug debug, const XDSendResult &result);
