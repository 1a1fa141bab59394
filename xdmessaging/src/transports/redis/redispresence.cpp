// SPDX-License-Identifier: MIT
#include "transports/redis/redispresence_p.h"

#include "core/logging_p.h"
#include "transports/redis/redisconnection_p.h"
#include "transports/redis/rediskeys_p.h"
#include "transports/redis/redisreply_p.h"

#include <QtCore/QTimer>

namespace XDMessagingPrivate {

namespace {

QByteArray idHex(const QUuid &id)
{
    return id.toRfc4122().toHex();
}

} // namespace

RedisPresenceAnnouncer::RedisPresenceAnnouncer(const RedisEndpoint &endpoint)
    : m_connection(std::make_unique<RedisConnection>(endpoint)), m_namespacePrefix(endpoint.namespacePrefix),
      m_heartbeat(new QTimer(this))
{
    connect(m_connection.get(), &RedisConnection::ready, this, &RedisPresenceAnnouncer::refresh);
    m_heartbeat->setInterval(PresenceHeartbeatMs);
    connect(m_heartbeat, &QTimer::timeout, this, &RedisPresenceAnnouncer::refresh);
    m_heartbeat->start();
    m_connection->open();
}

RedisPresenceAnnouncer::~RedisPresenceAnnouncer()
{
    if (!m_connection->isReady() || m_manifest.isEmpty())
        return;
    m_connection->command({QByteArrayLiteral("SET"), listenerLeftKey(m_namespacePrefix, m_idHex),
                           QByteArrayLiteral("1"), QByteArrayLiteral("PX"), QByteArray::number(PresenceLeftMarkMs)},
                          [](const redisReply *) {});
    m_connection->command({QByteArrayLiteral("DEL"), listenerPresenceKey(m_namespacePrefix, m_idHex)},
                          [](const redisReply *) {});
    m_connection->writePendingCommands();
}

// Also without channels: a listener that unregistered its last one is still there, and
// leaves the channel, not the machine, as watchers see it.
void RedisPresenceAnnouncer::announce(const ListenerManifest &manifest)
{
    m_idHex = idHex(manifest.id);
    m_manifest = encodeManifest(manifest);
    refresh();
}

// The heartbeat: the key lives PresenceExpiryMs from now.
void RedisPresenceAnnouncer::refresh()
{
    if (m_manifest.isEmpty() || !m_connection->isReady())
        return;
    m_connection->command({QByteArrayLiteral("SET"), listenerPresenceKey(m_namespacePrefix, m_idHex), m_manifest,
                           QByteArrayLiteral("PX"), QByteArray::number(PresenceExpiryMs)},
                          [](const redisReply *) {});
}

RedisPresence::RedisPresence(PresenceSink *sink) : m_sink(sink) {}

RedisPresence::~RedisPresence() = default;

bool RedisPresence::start(TransportFailure *failure)
{
    QString problem;
    m_connection = RedisConnection::toConfiguredServer(&problem);
    if (!m_connection) {
        *failure = {XDError::TransportUnavailable, problem};
        return false;
    }
    m_namespacePrefix = m_connection->endpoint().namespacePrefix;
    connect(m_connection.get(), &RedisConnection::ready, this, [this] {
        if (m_failed) {
            m_failed = false;
            m_sink->presenceStateChanged(kind(), {});
        }
        scan();
    });
    // Redis away: who listens cannot be told. Nobody is said to have left meanwhile.
    connect(m_connection.get(), &RedisConnection::lost, this, [this](const QString &error) {
        m_scanning = false;
        if (!m_failed) {
            m_failed = true;
            m_sink->presenceStateChanged(kind(), {XDError::TransportUnavailable, error});
        }
    });
    m_scanTimer = new QTimer(this);
    m_scanTimer->setInterval(PresenceScanMs);
    connect(m_scanTimer, &QTimer::timeout, this, &RedisPresence::scan);
    m_scanTimer->start();
    m_connection->open();
    return true;
}

void RedisPresence::scan()
{
    if (m_scanning || !m_connection->isReady())
        return;
    m_scanning = true;
    m_keys.clear();
    scanned(QByteArrayLiteral("0"), nullptr);
}

// SCAN walks the keyspace in steps; each reply gives the next cursor, "0" at the end.
void RedisPresence::scanned(const QByteArray &cursor, const redisReply *reply)
{
    if (reply) {
        for (size_t i = 0; i < replyElementCount(replyElement(reply, 1)); ++i)
            m_keys.append(replyBytes(replyElement(replyElement(reply, 1), i)));
        if (cursor == "0") {
            readManifests();
            return;
        }
    }
    const QByteArray pattern = listenerPresenceKey(m_namespacePrefix, QByteArrayLiteral("*"));
    const bool sent = m_connection->command({QByteArrayLiteral("SCAN"), cursor, QByteArrayLiteral("MATCH"), pattern,
                                             QByteArrayLiteral("COUNT"), QByteArrayLiteral("1000")},
                                            [this](const redisReply *next) {
                                                if (!next || !replyError(next).isEmpty()) {
                                                    m_scanning = false;
                                                    return;
                                                }
                                                scanned(replyBytes(replyElement(next, 0)), next);
                                            });
    if (!sent)
        m_scanning = false;
}

void RedisPresence::readManifests()
{
    if (m_keys.isEmpty()) {
        compare({});
        return;
    }
    QList<QByteArray> command {QByteArrayLiteral("MGET")};
    command.append(m_keys);
    const bool sent = m_connection->command(command, [this](const redisReply *reply) {
        if (!reply || !replyError(reply).isEmpty()) {
            m_scanning = false;
            return;
        }
        QHash<QUuid, ListenerRecord> now;
        for (size_t i = 0; i < replyElementCount(reply); ++i) {
            const redisReply *value = replyElement(reply, i);
            if (replyIsNil(value))
                continue; // expired between the scan and the read
            ListenerRecord record;
            QString error;
            if (!decodeManifest(replyBytes(value), &record, &error)) {
                qCDebug(lcXDNetwork, "ignoring a listener's presence in Redis: %ls", qUtf16Printable(error));
                continue;
            }
            now.insert(record.id, record);
        }
        compare(now);
    });
    if (!sent)
        m_scanning = false;
}

void RedisPresence::compare(const QHash<QUuid, ListenerRecord> &now)
{
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const auto known = m_listeners.constFind(it.key());
        if (known == m_listeners.constEnd() || *known != it.value())
            m_sink->listenerSeen(kind(), it.value());
    }
    QList<QUuid> missing;
    for (auto it = m_listeners.cbegin(); it != m_listeners.cend(); ++it) {
        if (!now.contains(it.key()))
            missing.append(it.key());
    }
    m_listeners = now;
    judgeDepartures(missing);
}

// A listener whose key is gone left if it left its mark, else its key expired: it died.
void RedisPresence::judgeDepartures(const QList<QUuid> &missing)
{
    if (missing.isEmpty()) {
        m_scanning = false;
        return;
    }
    QList<QByteArray> command {QByteArrayLiteral("MGET")};
    for (const QUuid &id : missing)
        command.append(listenerLeftKey(m_namespacePrefix, idHex(id)));
    const bool sent = m_connection->command(command, [this, missing](const redisReply *reply) {
        m_scanning = false;
        for (qsizetype i = 0; i < missing.size(); ++i) {
            const bool saidGoodbye = reply && !replyIsNil(replyElement(reply, size_t(i)));
            m_sink->listenerGone(kind(), missing.at(i), !saidGoodbye);
        }
    });
    if (!sent) {
        m_scanning = false;
        for (const QUuid &id : missing)
            m_sink->listenerGone(kind(), id, true);
    }
}

} // namespace XDMessagingPrivate
