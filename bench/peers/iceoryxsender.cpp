// SPDX-License-Identifier: MIT
// iceoryx-pubsub's sender (see iceoryxpeer.h): greets the receivers until each has
// answered, then loans, writes and publishes a chunk per message. A publish() waiting on a
// full queue has no timeout of its own: a thread of ours (PublishBound) ends the wait after
// 1 s, XDBroadcaster's default bound, and the rest of the run is counted as failed. With
// WAIT_FOR_CONSUMER one stalled subscriber holds all of them, as with zeromq-pubsub.
#include "iceoryxpeer.h"
#include "peers.h"
#include "pingpong.h"

#include <iceoryx_posh/popo/wait_set.hpp>
#include <iceoryx_posh/runtime/posh_runtime.hpp>

#include <QtCore/QDeadlineTimer>

#include <atomic>
#include <chrono>
#include <cstring>
#include <set>
#include <thread>

namespace {

constexpr qint64 SendTimeoutNs = 1'000'000'000;
constexpr int GreetingTimeoutMs = 10000;
constexpr int GreetingIntervalMs = 10;
constexpr int EchoTimeoutMs = 10000;

// Ends a publish() that has waited SendTimeoutNs: PoshRuntime::shutdown() exists to
// release publishers blocked by WAIT_FOR_CONSUMER (RouDi withdraws our offer, within the
// runtime's 300 ms keep-alive tick), after which the publisher reaches no one.
class PublishBound
{
public:
    PublishBound() : m_watcher([this] { watch(); }) {}
    ~PublishBound()
    {
        m_finished = true;
        m_watcher.join();
    }
    void publishing() { m_sinceNs = monotonicNs(); }
    void published() { m_sinceNs = 0; }
    bool expired() const { return m_expired; }

private:
    void watch()
    {
        while (!m_finished) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            const qint64 since = m_sinceNs;
            if (since != 0 && monotonicNs() - since > SendTimeoutNs) {
                m_expired = true;
                iox::runtime::PoshRuntime::getInstance().shutdown();
                return;
            }
        }
    }

    std::atomic<qint64> m_sinceNs {0};
    std::atomic<bool> m_expired {false};
    std::atomic<bool> m_finished {false};
    std::thread m_watcher;
};

iox::popo::PublisherOptions messageOptions()
{
    iox::popo::PublisherOptions options;
    options.subscriberTooSlowPolicy = iox::popo::ConsumerTooSlowPolicy::WAIT_FOR_CONSUMER;
    return options;
}

iox::popo::SubscriberOptions replyOptions()
{
    iox::popo::SubscriberOptions options;
    options.historyRequest = 1; // the Ack a receiver sent before we subscribed
    return options;
}

class IceoryxSender
{
public:
    explicit IceoryxSender(const PeerConfig &config)
        : m_config(config), m_messages(iceoryxService(config, IceoryxMessagesEvent), messageOptions()),
          m_replies(iceoryxService(config, IceoryxRepliesEvent), replyOptions())
    {}

    bool greetReceivers(QString *error);
    // False, with *error, when a chunk could not be had.
    bool burst(SendTally &tally, QString *error);
    int pingPong(SendTally &tally);

private:
    // Takes everything the receivers published, calling handle(payload, size) for each.
    template<typename Handle>
    void forEachReply(Handle handle);
    bool publishMessage(const BenchHeader &header, QString *error);

    const PeerConfig &m_config;
    iox::popo::UntypedPublisher m_messages;
    iox::popo::UntypedSubscriber m_replies;
    iox::popo::WaitSet<> m_waitSet;
};

template<typename Handle>
void IceoryxSender::forEachReply(Handle handle)
{
    for (;;) {
        const auto taken = m_replies.take();
        if (taken.has_error())
            return;
        handle(taken.value(), chunkPayloadSize(taken.value()));
        m_replies.release(taken.value());
    }
}

bool IceoryxSender::greetReceivers(QString *error)
{
    if (m_waitSet.attachState(m_replies, iox::popo::SubscriberState::HAS_DATA).has_error()) {
        *error = QStringLiteral("cannot attach the subscriber to a WaitSet");
        return false;
    }
    const IceoryxHello hello {quint32(m_config.senderId)};
    std::set<quint32> answered;
    const QDeadlineTimer deadline(GreetingTimeoutMs);
    while (answered.size() < size_t(m_config.targets.size())) {
        if (deadline.hasExpired()) {
            *error = QStringLiteral("%1 of %2 receivers answered within %3 s")
                             .arg(answered.size())
                             .arg(m_config.targets.size())
                             .arg(GreetingTimeoutMs / 1000);
            return false;
        }
        if (!publishChunk(
                    m_messages, sizeof(hello), [&hello](void *chunk) { std::memcpy(chunk, &hello, sizeof(hello)); },
                    error))
            return false;
        m_waitSet.timedWait(iox::units::Duration::fromMilliseconds(GreetingIntervalMs));
        forEachReply([this, &answered](const void *payload, quint32 size) {
            const auto *ack = static_cast<const IceoryxAck *>(payload);
            if (size == sizeof(IceoryxAck) && ack->senderId == quint32(m_config.senderId))
                answered.insert(ack->receiverPid);
        });
    }
    return true;
}

bool IceoryxSender::publishMessage(const BenchHeader &header, QString *error)
{
    return publishChunk(
            m_messages, quint32(qMax(m_config.size, BenchHeaderSize)),
            [&header](void *chunk) { writeBenchHeader(static_cast<char *>(chunk), header); }, error);
}

bool IceoryxSender::burst(SendTally &tally, QString *error)
{
    PublishBound bound;
    for (qint64 i = 0; i < m_config.count; ++i) {
        const qint64 before = monotonicNs();
        bound.publishing();
        const bool published = publishMessage({quint64(i), before, quint32(m_config.senderId), 0}, error);
        bound.published();
        tally.sendTook(monotonicNs() - before);
        if (!published) {
            // More chunks are held than roudidaemon.cpp's mempools were planned for.
            *error = QStringLiteral("no %1-byte chunk for message %2: %3").arg(m_config.size).arg(i).arg(*error);
            return false;
        }
        tally.sent();
        if (bound.expired()) {
            // This message reached the receivers that had room; the rest reach no one.
            tally.sendFailed((m_config.count - i - 1) * m_config.targets.size());
            break;
        }
    }
    return true;
}

int IceoryxSender::pingPong(SendTally &tally)
{
    return runPingPong(m_config, tally, [this](const QByteArray &message, QString *error) {
        const BenchHeader header = readBenchHeader(message.constData());
        if (!publishMessage(header, error))
            return false;
        bool echoed = false;
        const QDeadlineTimer deadline(EchoTimeoutMs);
        while (!echoed && !deadline.hasExpired()) {
            m_waitSet.timedWait(iox::units::Duration::fromMilliseconds(deadline.remainingTime()));
            forEachReply([&header, &echoed](const void *payload, quint32 size) {
                // Answers to our Hello may still come in: they are shorter.
                echoed = echoed
                         || (size >= BenchHeaderSize
                             && readBenchHeader(static_cast<const char *>(payload)).sequence == header.sequence);
            });
        }
        if (!echoed)
            *error = QStringLiteral("no echo within %1 s").arg(EchoTimeoutMs / 1000);
        return echoed;
    });
}

} // namespace

int iceoryxSend(const PeerConfig &config)
{
    initIceoryxRuntime();
    IceoryxSender sender(config);
    QString error;
    if (!sender.greetReceivers(&error))
        return reportUnsupported(error);
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return sender.pingPong(tally);
    if (!sender.burst(tally, &error))
        return reportUnsupported(error);
    tally.finish();
    return 0;
}
