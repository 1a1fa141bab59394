// SPDX-License-Identifier: MIT
#pragma once

#include "core/networksettings_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>

namespace XDMessagingPrivate {

class RedisSenderThread;
class RedisSenderWorker;

// The sending side of the network transport, one per process, Redis URL and namespace.
// Listeners on other machines are unknown here: a channel has one target, its stream
// in Redis, and "accepted" means queued for it. Callers (any thread) append to one
// bounded queue; a library thread with its own Qt event loop XADDs the queue in order
// and drops a message only once Redis acknowledged it. Acknowledged messages are kept
// a while longer (the retention window) and added again when the server turns out to
// be a different one (restarted without persistence, or failed over): listeners
// drop the copies they already had by message id.
class RedisSender final : public SenderTransport
{
public:
    static std::shared_ptr<RedisSender> instance(TransportFailure *failure);
    ~RedisSender() override;

    XDTransport kind() const override { return XDTransport::Network; }
    // The network is one target per channel that never changes.
    quint64 listenersGeneration(TransportFailure *) override { return 0; }
    QList<ListenerRecord> listenersOf(const QString &channel, TransportFailure *failure) override;
    QList<ListenerRecord> liveListeners() override { return {}; }
    DeliveryOutcome deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                            const DeliveryOptions &options) override;
    bool flush(quint64 senderToken, QDeadlineTimer deadline) override;
    NetworkStatus networkStatus() const override;

    struct OutgoingMessage
    {
        QByteArray key;
        QByteArray frame;
        QByteArray streamSequence; // the entry's "sequence" field
        quint64 senderToken = 0;
        quint64 sequence = 0;
        // A retained value (RetainedFlag): also SET as the channel's value, or cleared.
        QByteArray retainedKey; // empty for other messages
        bool clearsRetainedValue = false;
    };
    // For the sender thread: what to XADD next, in order, as many as the window of
    // unanswered messages has room for; they count as in flight.
    QList<OutgoingMessage> takeUnsent();
    // Redis answered the XADD of sequence (error empty: stored). Once half the window is
    // answered, the sender thread is woken to take the next ones.
    void acknowledged(quint64 sequence, const QString &error);
    void connectionReady(const QByteArray &runId);
    void connectionLost(const QString &error);
    void attachWorker(RedisSenderWorker *worker);
    // The most messages sent to Redis and not yet answered at any one time. For tests:
    // a backlog goes out in pieces.
    size_t mostMessagesInFlight() const;

private:
    explicit RedisSender(const RedisEndpoint &endpoint);
    void wakeWorkerLocked();
    void retainLocked(OutgoingMessage &&message);
    void replayRetainedLocked();
    void setStateLocked(XDNetworkState state, const QString &error, NetworkStatus *changed);
    void messageDoneLocked(quint64 senderToken);

    struct RetainedMessage
    {
        OutgoingMessage message;
        std::chrono::steady_clock::time_point acknowledgedAt;
    };

    const RedisEndpoint m_endpoint;
    const QUuid m_targetId; // the id of the one "listener" every channel has here
    mutable std::mutex m_mutex;
    std::condition_variable m_progress;
    std::deque<OutgoingMessage> m_queue; // front: oldest not yet acknowledged
    size_t m_inFlight = 0; // the first m_inFlight of m_queue were sent
    size_t m_mostInFlight = 0;
    qint64 m_queuedBytes = 0;
    bool m_queueStalled = false; // a send timed out waiting for room in the queue
    quint64 m_nextSequence = 1;
    std::deque<RetainedMessage> m_retained;
    qint64 m_retainedBytes = 0;
    QHash<quint64, qint64> m_pendingBySender;
    XDNetworkState m_state = XDNetworkState::Connecting;
    QString m_error;
    bool m_everConnected = false;
    QByteArray m_runId;
    RedisSenderWorker *m_worker = nullptr;
    bool m_wakePending = false;
    std::unique_ptr<RedisSenderThread> m_thread;
};

} // namespace XDMessagingPrivate
