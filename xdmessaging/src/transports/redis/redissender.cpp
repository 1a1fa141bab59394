// SPDX-License-Identifier: MIT
#include "transports/redis/redissender_p.h"

#include "core/logging_p.h"
#include "core/waituntil_p.h"
#include "transports/redis/redisconnection_p.h"
#include "transports/redis/rediskeys_p.h"
#include "transports/redis/redisreply_p.h"
#include "transports/redis/streamsequence_p.h"

#include <QtCore/QThread>

#include <algorithm>

namespace XDMessagingPrivate {

namespace {

// Acknowledged messages are kept this long, and at most this many (bytes), to be added
// again on a server that lost them. It bounds the outage the guarantee covers.
constexpr std::chrono::seconds RetentionWindow(30);
constexpr size_t MaximumRetainedMessages = 4096; // below the listeners' duplicate window
constexpr qint64 MaximumRetainedBytes = 64 * 1024 * 1024;
// The queue also holds at most this many messages, whatever their size.
constexpr size_t MaximumQueuedMessages = 100000;
// At most this many are sent and not yet answered; more go as answers come, once half
// of them are in. A backlog (a queue filled while Redis was away) then goes out in
// pieces, and the sender thread goes on reading answers and checking liveness between
// them: written in one go, a full queue kept that thread busy for longer than the
// liveness timeout on a loaded machine (8.3 s for 90,000 messages, sanitizer build),
// which then gave the new connection up as stuck, and the next one too. Windows of 1,024
// and 4,096 cost a fifth of the throughput to Redis on two busy cores (the refill
// waited for this thread to be scheduled); 16,384 keeps it.
constexpr size_t MaximumMessagesInFlight = 16384;
// How long the destructor (at process exit) waits for Redis to take the queue.
constexpr std::chrono::milliseconds ExitFlushTimeout(1000);

DeliveryOutcome failed(XDError error, const QString &reason)
{
    return {DeliveryOutcome::Status::Failed, error, reason};
}

} // namespace

// Lives in the sender thread and owns the connection there.
class RedisSenderWorker final : public QObject
{
public:
    RedisSenderWorker(RedisSender *sender, const RedisEndpoint &endpoint) : m_sender(sender), m_connection(endpoint)
    {
        connect(&m_connection, &RedisConnection::ready, this, [this](const QByteArray &runId) {
            m_sender->connectionReady(runId);
            pump();
        });
        connect(&m_connection, &RedisConnection::lost, this,
                [this](const QString &error) { m_sender->connectionLost(error); });
        m_connection.open();
    }

    // XADDs what is queued and not sent yet; replies come back in order.
    void pump()
    {
        if (!m_connection.isReady())
            return;
        const QList<RedisSender::OutgoingMessage> messages = m_sender->takeUnsent();
        for (const RedisSender::OutgoingMessage &message : messages) {
            RedisSender *sender = m_sender;
            const quint64 sequence = message.sequence;
            // The value first: once the XADD is acknowledged (flush()), the value is set too.
            if (!message.retainedKey.isEmpty()) {
                const QList<QByteArray> command =
                        message.clearsRetainedValue
                                ? QList<QByteArray> {QByteArrayLiteral("DEL"), message.retainedKey}
                                : QList<QByteArray> {QByteArrayLiteral("SET"), message.retainedKey, message.frame};
                m_connection.command(command, [](const redisReply *) {});
            }
            m_connection.command({QByteArrayLiteral("XADD"), message.key, QByteArrayLiteral("MAXLEN"),
                                  QByteArrayLiteral("~"), QByteArray::number(streamLengthBound(message.frame.size())),
                                  QByteArrayLiteral("*"), streamFrameField(), message.frame, streamSequenceField(),
                                  message.streamSequence},
                                 [sender, sequence](const redisReply *reply) {
                                     if (reply) // null: the connection dropped; it is sent again
                                         sender->acknowledged(sequence, replyError(reply));
                                 });
            if (isReplyStreamKey(message.key)) {
                m_connection.command(
                        {QByteArrayLiteral("EXPIRE"), message.key, QByteArray::number(ReplyStreamLifetimeSeconds)},
                        [](const redisReply *) {});
            }
        }
    }

private:
    RedisSender *const m_sender;
    RedisConnection m_connection;
};

class RedisSenderThread final : public QThread
{
public:
    RedisSenderThread(RedisSender *sender, const RedisEndpoint &endpoint) : m_sender(sender), m_endpoint(endpoint)
    {
        setObjectName(QStringLiteral("xdmessaging-redis"));
    }

protected:
    // The worker is made and destroyed in this thread, which its connection lives in.
    void run() override
    {
        RedisSenderWorker worker(m_sender, m_endpoint);
        m_sender->attachWorker(&worker);
        exec();
        m_sender->attachWorker(nullptr);
    }

private:
    RedisSender *const m_sender;
    const RedisEndpoint m_endpoint;
};

std::shared_ptr<RedisSender> RedisSender::instance(TransportFailure *failure)
{
    // The category must outlive the senders below, which may log while the process exits.
    lcXDNetwork();
    static std::mutex mutex;
    static QHash<QString, std::shared_ptr<RedisSender>> senders;

    RedisEndpoint endpoint;
    QString problem;
    if (!configuredRedisEndpoint(&endpoint, &problem)) {
        *failure = {XDError::TransportUnavailable, problem};
        return {};
    }
    std::lock_guard lock(mutex);
    std::shared_ptr<RedisSender> &sender =
            senders[XDNetworkSettings::redisUrl() + QLatin1Char('\n') + QString::fromUtf8(endpoint.namespacePrefix)];
    if (!sender)
        sender.reset(new RedisSender(endpoint));
    return sender;
}

RedisSender::RedisSender(const RedisEndpoint &endpoint)
    : m_endpoint(endpoint), m_targetId(QUuid::createUuidV5(QUuid(), endpoint.description())),
      m_thread(std::make_unique<RedisSenderThread>(this, endpoint))
{
    m_thread->start();
}

RedisSender::~RedisSender()
{
    size_t undelivered = 0;
    {
        std::unique_lock lock(m_mutex);
        m_progress.wait_for(lock, ExitFlushTimeout, [this] { return m_queue.empty(); });
        undelivered = m_queue.size();
    }
    m_thread->quit();
    m_thread->wait();
    if (undelivered > 0) {
        qCWarning(lcXDNetwork, "%zu messages were still waiting for %ls when the process exited", undelivered,
                  qUtf16Printable(m_endpoint.description()));
    }
}

void RedisSender::attachWorker(RedisSenderWorker *worker)
{
    std::lock_guard lock(m_mutex);
    m_worker = worker;
    m_wakePending = false;
}

QList<ListenerRecord> RedisSender::listenersOf(const QString &channel, TransportFailure *)
{
    ListenerRecord network;
    network.id = m_targetId;
    network.name = QStringLiteral("the network through %1").arg(m_endpoint.description());
    network.transports = {XDTransport::Network};
    network.channels = {channel};
    return {network};
}

DeliveryOutcome RedisSender::deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                                     const DeliveryOptions &options)
{
    std::unique_lock lock(m_mutex);
    // Only the first connection attempt is waited for: it tells whether Redis is there.
    waitUntil(m_progress, lock, options.timing, [this] { return m_state != XDNetworkState::Connecting; });
    if (!m_everConnected && m_state == XDNetworkState::Disconnected)
        return failed(XDError::TransportUnavailable, QStringLiteral("not propagated: %1").arg(m_error));
    const qint64 size = frame.size();
    const auto hasRoom = [&] {
        return m_queue.empty()
               || (m_queuedBytes + size <= options.queueLimit && m_queue.size() < MaximumQueuedMessages);
    };
    // Once a send timed out waiting for room, later ones fail at once until the queue
    // moves again, as for a local listener that is not reading.
    if ((m_queueStalled && !hasRoom()) || !waitUntil(m_progress, lock, options.timing, hasRoom)) {
        m_queueStalled = true;
        const QString why = m_state == XDNetworkState::Connected ? QStringLiteral("Redis is not keeping up") : m_error;
        return failed(XDError::ListenerNotReading,
                      QStringLiteral("not propagated: %1 messages (%2 bytes) are still waiting for Redis (%3)")
                              .arg(m_queue.size())
                              .arg(m_queuedBytes)
                              .arg(why));
    }
    m_queueStalled = false;
    OutgoingMessage message;
    message.key = channelStreamKey(m_endpoint.namespacePrefix, listener.channels.value(0).toUtf8());
    message.frame = frame.head + frame.payload;
    message.senderToken = options.senderToken;
    message.sequence = m_nextSequence++;
    message.streamSequence = formatStreamSequence(frame.publisher, frame.sequence);
    if (frame.isRetainedValue()) {
        message.retainedKey = retainedValueKey(m_endpoint.namespacePrefix, listener.channels.value(0).toUtf8());
        message.clearsRetainedValue = frame.payload.isEmpty();
    }
    m_queue.push_back(std::move(message));
    m_queuedBytes += size;
    ++m_pendingBySender[options.senderToken];
    wakeWorkerLocked();
    return {};
}

void RedisSender::wakeWorkerLocked()
{
    // A full window is refilled as the answers come (acknowledged()).
    if (!m_worker || m_wakePending || m_inFlight >= MaximumMessagesInFlight)
        return;
    m_wakePending = true;
    RedisSenderWorker *worker = m_worker;
    QMetaObject::invokeMethod(
            worker, [worker] { worker->pump(); }, Qt::QueuedConnection);
}

QList<RedisSender::OutgoingMessage> RedisSender::takeUnsent()
{
    std::lock_guard lock(m_mutex);
    m_wakePending = false;
    QList<OutgoingMessage> unsent;
    const size_t end = std::min(m_queue.size(), MaximumMessagesInFlight);
    for (size_t i = m_inFlight; i < end; ++i)
        unsent.append(m_queue[i]);
    m_inFlight = std::max(m_inFlight, end);
    m_mostInFlight = std::max(m_mostInFlight, m_inFlight);
    return unsent;
}

size_t RedisSender::mostMessagesInFlight() const
{
    std::lock_guard lock(m_mutex);
    return m_mostInFlight;
}

void RedisSender::acknowledged(quint64 sequence, const QString &error)
{
    std::unique_lock lock(m_mutex);
    if (m_inFlight == 0 || m_queue.empty() || m_queue.front().sequence != sequence) {
        qCWarning(lcXDNetwork, "an answer from Redis matched no message sent; ignored");
        return;
    }
    OutgoingMessage message = std::move(m_queue.front());
    m_queue.pop_front();
    --m_inFlight;
    m_queuedBytes -= message.frame.size();
    const quint64 token = message.senderToken;
    const QByteArray key = message.key;
    if (error.isEmpty())
        retainLocked(std::move(message));
    messageDoneLocked(token);
    if (m_inFlight <= MaximumMessagesInFlight / 2 && m_inFlight < m_queue.size())
        wakeWorkerLocked(); // half the window is answered: the next ones go
    lock.unlock();
    if (!error.isEmpty()) {
        // Redis refused this one message (the key holds something else, out of memory):
        // sending it again would fail again, so it is reported and dropped.
        qCWarning(lcXDNetwork, "Redis refused a message for %s: %ls", key.constData(), qUtf16Printable(error));
        reportLostMessages(token, QStringLiteral("the network stream %1").arg(QString::fromUtf8(key)), 1, error);
    }
}

void RedisSender::messageDoneLocked(quint64 senderToken)
{
    const auto pending = m_pendingBySender.find(senderToken);
    if (pending != m_pendingBySender.end() && --*pending <= 0)
        m_pendingBySender.erase(pending);
    m_progress.notify_all();
}

void RedisSender::retainLocked(OutgoingMessage &&message)
{
    const auto now = std::chrono::steady_clock::now();
    m_retainedBytes += message.frame.size();
    m_retained.push_back({std::move(message), now});
    while (!m_retained.empty()
           && (m_retained.size() > MaximumRetainedMessages || m_retainedBytes > MaximumRetainedBytes
               || m_retained.front().acknowledgedAt + RetentionWindow < now)) {
        m_retainedBytes -= m_retained.front().message.frame.size();
        m_retained.pop_front();
    }
}

// A different server may have lost what the old one acknowledged: add it again, before
// anything still queued, so each sender's order holds.
void RedisSender::replayRetainedLocked()
{
    const auto oldest = std::chrono::steady_clock::now() - RetentionWindow;
    size_t replayed = 0;
    for (auto it = m_retained.rbegin(); it != m_retained.rend(); ++it) {
        if (it->acknowledgedAt < oldest)
            break;
        OutgoingMessage message = std::move(it->message);
        m_queuedBytes += message.frame.size();
        ++m_pendingBySender[message.senderToken];
        m_queue.push_front(std::move(message));
        ++replayed;
    }
    // Sequences must rise from the front of the queue, as replies are matched in order.
    quint64 sequence = m_nextSequence;
    for (OutgoingMessage &message : m_queue)
        message.sequence = sequence++;
    m_nextSequence = sequence;
    m_retained.clear();
    m_retainedBytes = 0;
    qCInfo(lcXDNetwork, "%ls is a different server now; adding %zu recent messages again",
           qUtf16Printable(m_endpoint.description()), replayed);
}

void RedisSender::connectionReady(const QByteArray &runId)
{
    NetworkStatus changed;
    {
        std::lock_guard lock(m_mutex);
        m_inFlight = 0;
        if (!m_runId.isEmpty() && runId != m_runId)
            replayRetainedLocked();
        m_runId = runId;
        m_everConnected = true;
        setStateLocked(XDNetworkState::Connected, QString(), &changed);
    }
    if (changed.state != XDNetworkState::Off)
        reportNetworkState(this, changed);
}

void RedisSender::connectionLost(const QString &error)
{
    NetworkStatus changed;
    {
        std::lock_guard lock(m_mutex);
        m_inFlight = 0; // whatever was not acknowledged goes again on the next connection
        setStateLocked(XDNetworkState::Disconnected, error, &changed);
    }
    if (changed.state != XDNetworkState::Off)
        reportNetworkState(this, changed);
}

// Sets the state; *changed says what to report (Off: nothing changed).
void RedisSender::setStateLocked(XDNetworkState state, const QString &error, NetworkStatus *changed)
{
    if (state != m_state || error != m_error)
        *changed = {state, error};
    m_state = state;
    m_error = error;
    m_progress.notify_all();
}

NetworkStatus RedisSender::networkStatus() const
{
    std::lock_guard lock(m_mutex);
    return {m_state, m_error};
}

bool RedisSender::flush(quint64 senderToken, QDeadlineTimer deadline)
{
    std::unique_lock lock(m_mutex);
    return waitUntil(m_progress, lock, deadline, [&] { return !m_pendingBySender.contains(senderToken); });
}

} // namespace XDMessagingPrivate
