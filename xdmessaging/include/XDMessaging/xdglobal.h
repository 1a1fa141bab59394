// SPDX-License-Identifier: MIT
#pragma once

/*!
    \file xdglobal.h
    Types shared by every XDMessaging class: the transport choice and the error codes.
*/

#include <XDMessaging/xdmessaging_export.h>

#include <QtCore/QMetaType>
#include <QtCore/QString>

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

/*!
    What went wrong. Every failure also carries a human-readable errorString().
*/
enum class XDError {
    NoError,
    InvalidChannelName,     ///< empty, longer than 255 UTF-8 bytes, or has control characters
    MessageTooLarge,        ///< payload larger than the configured maximum; nothing was sent
    TransportUnavailable,   ///< the transport is not built in or cannot run here (no display, ...)
    RuntimeDirectoryError,  ///< the per-user runtime directory is missing, unsafe or unwritable
    ListenerUnreachable,    ///< a listener could not be delivered to (died, refused, not reading)
    ListenerNotReading,     ///< a listener's send queue stayed full past the send timeout
    MessagesLost,           ///< a network listener fell so far behind that Redis discarded messages it had not read
};

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

Q_DECLARE_METATYPE(XDTransport)
Q_DECLARE_METATYPE(XDError)
