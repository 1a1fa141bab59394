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

/*! The way messages travel between processes. */
enum class XDTransport {
    /*!
        Every transport available to this process. Listeners listen on all of them; a
        broadcaster reaches each listener exactly once, over the fastest transport it has.
        The environment variable \c XDMESSAGING_TRANSPORT (\c auto, \c native,
        \c localsocket, \c network) replaces \c Auto with one transport.
    */
    Auto,
    /*! A hidden native window per listener (X11); needs a display. */
    NativeWindow,
    /*!
        Unix-domain sockets in a per-user runtime directory; works in console
        applications, services and Wayland sessions.
    */
    LocalSocket,
    /*! Propagation across machines through Redis (see XDNetworkSettings). */
    Network,
};
Q_ENUM_NS(XDTransport)

/*! What went wrong. Every failure also carries a human-readable errorString(). */
enum class XDError {
    NoError, ///< Nothing went wrong.
    InvalidChannelName, ///< Empty, longer than 255 UTF-8 bytes, or has control characters.
    MessageTooLarge, ///< The payload is larger than the configured maximum; nothing was sent.
    TransportUnavailable, ///< The transport is not built in or cannot run here (no display, ...).
    RuntimeDirectoryError, ///< The per-user runtime directory is missing, unsafe or unwritable.
    ListenerUnreachable, ///< A listener could not be delivered to (died, refused, not reading).
    ListenerNotReading, ///< A listener's send queue stayed full past the send timeout.
    /*! A network listener fell so far behind that Redis discarded messages it had not read. */
    MessagesLost,
    /*! The payload does not match its type (text that is not valid UTF-8); nothing was sent. */
    InvalidPayload,
    /*! XDListener::reply() was given a message that is no request: nobody waits for a reply. */
    NotARequest,
};
Q_ENUM_NS(XDError)

/*! How a listener's or broadcaster's connection to Redis is doing. */
enum class XDNetworkState {
    /*! This object does not use the network (not asked for, or no Redis URL is configured). */
    Off,
    /*! The first connection to Redis is being made. */
    Connecting,
    /*! Connected to Redis: messages propagate. */
    Connected,
    /*!
        Redis cannot be reached (or refused the password); the library retries with
        backoff and says why in the signal's error string. Broadcasters keep what they
        accepted in a bounded queue and send it once Redis is back.
    */
    Disconnected,
};
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
    control characters. Names starting with \c xdmessaging.reply. are reserved for the
    replies to requests.
*/
XDMESSAGING_EXPORT QString xdChannelNameProblem(const QString &channel);
