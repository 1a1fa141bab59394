// SPDX-License-Identifier: MIT
#include <XDMessaging/xdnetworksettings.h>

#include "core/networksettings_p.h"

#include <QtCore/QUrl>

#include <mutex>

using namespace XDMessagingPrivate;

namespace {

const QString DefaultNamespace = QStringLiteral("xdmessaging");

// Set through the API; they win over the environment.
struct ExplicitSettings
{
    std::mutex mutex;
    QString redisUrl;
    QString namespacePrefix;
};

ExplicitSettings &explicitSettings()
{
    static ExplicitSettings settings;
    return settings;
}

} // namespace

namespace XDMessagingPrivate {

QString RedisEndpoint::description() const
{
    return QStringLiteral("redis://%1:%2/%3 (namespace \"%4\")")
            .arg(QString::fromUtf8(host))
            .arg(port)
            .arg(database)
            .arg(QString::fromUtf8(namespacePrefix));
}

bool parseRedisUrl(const QString &url, RedisEndpoint *endpoint, QString *problem)
{
    const QUrl parsed(url.trimmed(), QUrl::StrictMode);
    if (!parsed.isValid() || parsed.scheme() != u"redis" || parsed.host().isEmpty()) {
        *problem = QStringLiteral("\"%1\" is not a Redis URL of the form "
                                  "redis://[:password@]host[:port][/db]")
                           .arg(parsed.toDisplayString(QUrl::RemovePassword));
        return false;
    }
    const int port = parsed.port(6379);
    if (port < 1 || port > 65535) {
        *problem = QStringLiteral("the port of the Redis URL must be between 1 and 65535");
        return false;
    }
    const QString path = parsed.path();
    bool databaseOk = true;
    const int database = path.size() > 1 ? path.mid(1).toInt(&databaseOk) : 0;
    if (!databaseOk || database < 0) {
        *problem = QStringLiteral("the path of the Redis URL must be a database number, not \"%1\"").arg(path.mid(1));
        return false;
    }
    endpoint->host = parsed.host().toUtf8();
    endpoint->port = quint16(port);
    endpoint->user = parsed.userName().toUtf8();
    endpoint->password = parsed.password().toUtf8();
    endpoint->database = database;
    return true;
}

bool configuredRedisEndpoint(RedisEndpoint *endpoint, QString *problem)
{
    const QString url = XDNetworkSettings::redisUrl();
    if (url.isEmpty()) {
        *problem = QStringLiteral("the network transport needs a Redis server and none is configured "
                                  "(set XDMESSAGING_REDIS_URL or call XDNetworkSettings::setRedisUrl())");
        return false;
    }
    if (!parseRedisUrl(url, endpoint, problem))
        return false;
    endpoint->namespacePrefix = XDNetworkSettings::namespacePrefix().toUtf8();
    return true;
}

} // namespace XDMessagingPrivate

QString XDNetworkSettings::redisUrl()
{
    ExplicitSettings &settings = explicitSettings();
    std::lock_guard lock(settings.mutex);
    if (!settings.redisUrl.isEmpty())
        return settings.redisUrl;
    return qEnvironmentVariable("XDMESSAGING_REDIS_URL").trimmed();
}

void XDNetworkSettings::setRedisUrl(const QString &url)
{
    ExplicitSettings &settings = explicitSettings();
    std::lock_guard lock(settings.mutex);
    settings.redisUrl = url.trimmed();
}

QString XDNetworkSettings::namespacePrefix()
{
    ExplicitSettings &settings = explicitSettings();
    std::lock_guard lock(settings.mutex);
    if (!settings.namespacePrefix.isEmpty())
        return settings.namespacePrefix;
    const QString fromEnvironment = qEnvironmentVariable("XDMESSAGING_REDIS_NAMESPACE").trimmed();
    return fromEnvironment.isEmpty() ? DefaultNamespace : fromEnvironment;
}

void XDNetworkSettings::setNamespacePrefix(const QString &prefix)
{
    ExplicitSettings &settings = explicitSettings();
    std::lock_guard lock(settings.mutex);
    settings.namespacePrefix = prefix.trimmed();
}

bool XDNetworkSettings::isConfigured()
{
    return !redisUrl().isEmpty();
}

bool XDNetworkSettings::isBuiltIn()
{
#ifdef XDMESSAGING_HAVE_REDIS
    return true;
#else
    return false;
#endif
}

QString XDNetworkSettings::redisUrlProblem(const QString &url)
{
    RedisEndpoint ignored;
    QString problem;
    parseRedisUrl(url, &ignored, &problem);
    return problem;
}
