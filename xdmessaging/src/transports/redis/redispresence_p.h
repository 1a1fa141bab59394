// SPDX-License-Identifier: MIT
#pragma once

#include "core/networksettings_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>
#include <QtCore/QObject>

#include <memory>

class QTimer;
struct redisReply;

namespace XDMessagingPrivate {

class RedisConnection;

// A network listener's presence: its manifest in a key that expires unless refreshed
// (rediskeys_p.h), on a connection of its own, so that no blocking read delays the
// heartbeat or the goodbye.
class RedisPresenceAnnouncer final : public QObject
{
public:
    // Connects to endpoint at once; announces nothing before announce().
    explicit RedisPresenceAnnouncer(const RedisEndpoint &endpoint);
    // Says goodbye: deletes the key and leaves the mark of a listener that left.
    ~RedisPresenceAnnouncer() override;

    // What watchers see of this listener from now on.
    void announce(const ListenerManifest &manifest);

private:
    void refresh();

    std::unique_ptr<RedisConnection> m_connection;
    QByteArray m_namespacePrefix;
    QByteArray m_idHex;
    QByteArray m_manifest; // encoded; empty until announce()
    QTimer *m_heartbeat;
};

// Who listens on the network, read from the presence keys every PresenceScanMs.
// Listeners are reported as Redis answers: after start() returns, not before.
class RedisPresence final : public QObject, public PresenceSource
{
public:
    explicit RedisPresence(PresenceSink *sink);
    ~RedisPresence() override;

    XDTransport kind() const override { return XDTransport::Network; }
    bool start(TransportFailure *failure) override;

private:
    void scan();
    void scanned(const QByteArray &cursor, const redisReply *reply);
    void readManifests();
    void compare(const QHash<QUuid, ListenerRecord> &now);
    void judgeDepartures(const QList<QUuid> &missing);

    PresenceSink *const m_sink;
    std::unique_ptr<RedisConnection> m_connection;
    QByteArray m_namespacePrefix;
    QTimer *m_scanTimer = nullptr;
    bool m_scanning = false;
    QList<QByteArray> m_keys; // of the scan under way
    QHash<QUuid, ListenerRecord> m_listeners;
    bool m_failed = false;
};

} // namespace XDMessagingPrivate
