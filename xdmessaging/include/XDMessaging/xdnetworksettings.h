// SPDX-License-Identifier: MIT
#pragma once

/*!
    \file xdnetworksettings.h
    Where the network transport (XDTransport::Network) finds its Redis server.
*/

#include <XDMessaging/xdglobal.h>

#include <QtCore/QString>

/*!
    The process-wide settings of the network transport. One way to configure it, for
    every listener and broadcaster of the process:

    \list
    \li the Redis URL, \c redis://[[user]:password@]host[:port][/db], from
        setRedisUrl() or else the environment variable \c XDMESSAGING_REDIS_URL;
    \li the namespace, a prefix of every Redis key, from setNamespacePrefix() or else
        \c XDMESSAGING_REDIS_NAMESPACE, by default \c xdmessaging. Processes reach each
        other only when they use the same server, database and namespace.
    \endlist

    Change the settings before creating the listeners and broadcasters that should use
    them: objects already connected keep their server.
*/
class XDMESSAGING_EXPORT XDNetworkSettings
{
public:
    XDNetworkSettings() = delete;

    /*! The Redis URL in use: the one set, else \c XDMESSAGING_REDIS_URL; may be empty. */
    static QString redisUrl();
    /*! Sets the Redis URL; an empty \a url lets \c XDMESSAGING_REDIS_URL apply again. */
    static void setRedisUrl(const QString &url);

    /*! The namespace in use: the one set, else \c XDMESSAGING_REDIS_NAMESPACE, else \c xdmessaging. */
    static QString namespacePrefix();
    /*! Sets the namespace; an empty \a prefix restores the default. */
    static void setNamespacePrefix(const QString &prefix);

    /*! Returns true when a Redis URL is set: XDTransport::Auto then listens on the network too. */
    static bool isConfigured();
    /*! Returns true when this build of XDMessaging has the network transport. */
    static bool isBuiltIn();
    /*! Returns why \a url is not a usable Redis URL, or an empty string when it is. */
    static QString redisUrlProblem(const QString &url);
};
