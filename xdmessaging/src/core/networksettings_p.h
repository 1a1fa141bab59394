// SPDX-License-Identifier: MIT
#pragma once

// The network transport's configuration as the transports use it: a parsed Redis URL
// and the namespace. Plain values; no connection is made here.

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace XDMessagingPrivate {

struct RedisEndpoint
{
    QByteArray host;
    quint16 port = 6379;
    QByteArray user; // empty: AUTH with the password alone (Redis before 6)
    QByteArray password; // empty: no AUTH
    int database = 0;
    QByteArray namespacePrefix;
    // For messages and logs: the URL without the password, and the namespace.
    QString description() const;
};

// Parses redis://[[user]:password@]host[:port][/db]; false with *problem when invalid.
bool parseRedisUrl(const QString &url, RedisEndpoint *endpoint, QString *problem);

// The endpoint the settings describe now; false with *problem when no URL is configured
// or it is invalid.
bool configuredRedisEndpoint(RedisEndpoint *endpoint, QString *problem);

} // namespace XDMessagingPrivate
