// SPDX-License-Identifier: MIT
#pragma once

#include "core/transport_p.h"
#include "transports/redis/serverclock_p.h"
#include "transports/redis/streamsequence_p.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>

#include <memory>
#include <optional>

struct redisReply;
class QTimer;

namespace XDMessagingPrivate {

class RedisConnection;
class RedisPresenceAnnouncer;

// The receiving side of the network transport for one listener: reads the streams of
// its channels with XREAD BLOCK on its own connection, resuming from the last entry it
// saw after a reconnect. Lives in the listener's thread; nothing blocks it. Entries are
// untrusted: each must be one valid frame of the stream's channel, else it is dropped
// and logged (xdmessaging.network).
class RedisListener final : public QObject, public ListenerTransport
{
    Q_OBJECT
public:
    RedisListener(const ListenerManifest &identity, FrameSink *sink);
    ~RedisListener() override;

    XDTransport kind() const override { return XDTransport::Network; }
    bool start(TransportFailure *failure) override;
    bool publish(const ListenerManifest &manifest, QString *error) override;
    bool isLive() const override;

private:
    void noteLiveness();
    void fetchRetainedValues();
    void retainedValueFetched(const QByteArray &channelUtf8, const redisReply *reply);
    void connectionReady(const QByteArray &runId);
    void learnServerClock();
    void connectionLost(const QString &error);
    void readNext();
    void findStartPositions(const QList<QByteArray> &keys);
    void startPositionFound(const QByteArray &key, const redisReply *reply);
    struct ReadTally
    {
        qint64 entries = 0;
        qint64 bytes = 0;
    };
    void readReply(const redisReply *reply, const QHash<QByteArray, quint64> &generations);
    void readEntries(const QByteArray &key, const redisReply *entries, ReadTally *tally);
    bool decodeEntry(const QByteArray &key, const redisReply *fields, Frame *frame, QString *error) const;
    void readFailed(const QString &error);
    void findUnreadableKeys();
    void reportState(const TransportFailure &failure);

    FrameSink *const m_sink;
    std::unique_ptr<RedisConnection> m_connection;
    std::unique_ptr<RedisPresenceAnnouncer> m_presence;
    QByteArray m_namespacePrefix;
    QHash<QByteArray, QByteArray> m_channelByKey; // stream key -> channel (UTF-8)
    QSet<QByteArray> m_retainedToFetch; // channels (UTF-8) newly registered: GET their value
    QHash<QByteArray, QByteArray> m_positionByKey; // the last entry id seen per stream
    // Bumped each time a channel is registered: a read sent before that must not deliver
    // what it brings for the channel (sent while it was not registered).
    QHash<QByteArray, quint64> m_generationByKey;
    quint64 m_nextGeneration = 0;
    // The server's clock, learnt at each connect (TIME): a channel registered while
    // connected starts at the earliest the server's "now" can be.
    std::optional<ServerClockBound> m_serverClock;
    QSet<QByteArray> m_positionsToCheck; // kept from a server that was replaced
    int m_entriesPerRead; // XREAD COUNT, from the last entries' size
    bool m_reading = false; // a command of the read loop is out
    int m_positionLookups = 0;
    QString m_lookupError; // the first failed lookup of a round
    QByteArray m_runId;
    bool m_connectedReported = false;
    bool m_reportedLive = false; // what the sink was last told isLive() is
    QString m_reportedError;
    QTimer *m_retryTimer;
    QSet<QByteArray> m_unreadableKeys; // hold something else than a stream
    QTimer *m_unreadableKeyTimer;
};

} // namespace XDMessagingPrivate
