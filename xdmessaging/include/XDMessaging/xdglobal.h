// SPDX-License-Identifier: MIT
#pragma once

/*!
    \file xdglobal.h
    Types shared by every XDMessaging class: the transport choice, the error codes and
    the state of the network connection.
*/

#include <XDMessaging/xdmessaging_export.h>

#include <QtCore/QObject>
#include <QtCore/QString>

/*!
    \namespace XD
    The namespace that carries the library's enums into Qt's meta-object system: their
    values have names in \c qDebug(), QMetaEnum::fromType<XDTransport>() knows them, and
    QML reaches them as \c XD.Auto, \c XD.LocalSocket, ... Use the enums by their own
    names (XDTransport, XDError, XDNetworkState); the namespace is only their home.
*/
namespace XD {
Q_NAMESPACE_EXPORT(XDMESSAGING_EXPORT)

/*!
    The way messages travel between processes.

    \value Auto          Every transport available to this process. Listeners listen on all
                         of them; a broadcaster reaches each listener exactly once, over the
                         fastest transport it has. The environment variable
                         \c XDMESSAGING_TRANSPORT (\c auto, \c native, \c localsocket,
                         \c network) replaces \c Auto with one transport.
    \value NativeWindow  A hidden native window per listener (X11); needs a display.
    \value LocalSocket   Unix-domain sockets in a per-user runtime directory; works in
                         console applications, services and Wayland sessions.
    \value Network       Propagation across machines through Redis.
*/
enum class XDTransport { Auto, NativeWindow, LocalSocket, Network };
Q_ENUM_NS(XDTransport)

/*!
    What went wrong. Every failure also carries a human-readable errorString().

    \value NoError               Nothing went wrong.
    \value InvalidChannelName    Empty, longer than 255 UTF-8 bytes, or has control characters.
    \value MessageTooLarge       The payload is larger than the configured maximum; nothing was sent.
    \value TransportUnavailable  The transport is not built in or cannot run here (no display, ...).
    \value RuntimeDirectoryError The per-user runtime directory is missing, unsafe or unwritable.
    \value ListenerUnreachable   A listener could not be delivered to (died, refused, not reading).
    \value ListenerNotReading    A listener's send queue stayed full past the send timeout.
    \value MessagesLost          A network listener fell so far behind that Redis discarded
                                 messages it had not read.
*/
enum class XDError {
    NoError,
    InvalidChannelName,
    MessageTooLarge,
    TransportUnavailable,
    RuntimeDirectoryError,
    ListenerUnreachable,
    ListenerNotReading,
    MessagesLost,
};
Q_ENUM_NS(XDError)

/*!
    How a listener's or broadcaster's connection to Redis is doing.

    \value Off           This object does not use the network (not asked for, or no
                         Redis URL is configured).
    \value Connecting    The first connection to Redis is being made.
    \value Connected     Connected to Redis: messages propagate.
    \value Disconnected  Redis cannot be reached (or refused the password); the library
                         retries with backoff and says why in the signal's error string.
                         Broadcasters keep what they accepted in a bounded queue and
                         send it once Redis is back.
*/
enum class XDNetworkState { Off, Connecting, Connected, Disconnected };
Q_ENUM_NS(XDNetworkState)

} // namespace XD

using XD::XDError;
using XD::XDNetworkState;
using XD::XDTransport;

/*! Returns the lower-case name of \a transport as used by \c XDMESSAGING_TRANSPORT and xdmsg. */
XDMESSAGING_EXPORT QString xdTransportName(XDTransport transport);

/*!
    Parses \a name (\c auto, \c native, \c localsocket, \c network) into \a transport.
    Returns false and leaves \a transport untouched when the name is unknown.
*/
XDMESSAGING_EXPORT bool xdParseTransportName(const QString &name, XDTransport *transport);

/*!
    Returns why \a channel is not a valid channel name, or an empty string when it is valid.
    Channel names are case-sensitive, non-empty, at most 255 bytes in UTF-8, and contain no
    control characters.
*/
XDMESSAGING_EXPORT QString xdChannelNameProblem(const QString &channel);
