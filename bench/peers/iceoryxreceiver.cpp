// SPDX-License-Identifier: MIT
// iceoryx-pubsub's receiver (see iceoryxpeer.h): waits on a WaitSet, reads each message in
// the sender's chunk and releases it; answers Hellos, and echoes for ping-pong.
#include "iceoryxpeer.h"
#include "peers.h"
#include "receiveclock.h"

#include <iceoryx_posh/popo/wait_set.hpp>

#include <cstring>
#include <unistd.h>

namespace {

// WaitSet::timedWait() of iceoryx 2.0 waits twice when its semaphore still counts
// notifications it has already reported (once to collect them, once for new ones): after a
// burst it can take twice the time asked for. Shorter waits keep the receive clock's end.
constexpr int LongestWaitMs = 100;

// A full queue holds the publisher. It takes at most 16 MiB of messages, but no fewer
// than 16 and no more than iceoryx's 256; RouDi's mempools (roudidaemon.cpp) fit that.
uint64_t queueCapacityFor(int size)
{
    constexpr qint64 QueueBytes = 16 * 1024 * 1024;
    return uint64_t(qBound<qint64>(16, QueueBytes / qMax(size, 1), iox::MAX_SUBSCRIBER_QUEUE_CAPACITY));
}

iox::popo::SubscriberOptions messageOptions(const PeerConfig &config)
{
    iox::popo::SubscriberOptions options;
    options.queueCapacity = queueCapacityFor(config.size);
    options.queueFullPolicy = iox::popo::QueueFullPolicy::BLOCK_PRODUCER;
    return options;
}

iox::popo::PublisherOptions replyOptions()
{
    iox::popo::PublisherOptions options;
    options.historyCapacity = 1; // a sender subscribing after an Ack was sent still gets it
    return options;
}

class IceoryxReceiver
{
public:
    explicit IceoryxReceiver(const PeerConfig &config)
        : m_config(config), m_messages(iceoryxService(config, IceoryxMessagesEvent), messageOptions(config)),
          m_replies(iceoryxService(config, IceoryxRepliesEvent), replyOptions()),
          m_tally(config.senders, config.messagesPerSender()), m_clock(config)
    {}

    bool attach(QString *error);
    int run();

private:
    void takeAll();
    void answerHello(const IceoryxHello &hello);
    void echo(const void *message, quint32 size);

    const PeerConfig &m_config;
    iox::popo::UntypedSubscriber m_messages;
    iox::popo::UntypedPublisher m_replies;
    iox::popo::WaitSet<> m_waitSet;
    ReceiveTally m_tally;
    ReceiveClock m_clock;
    QString m_replyError;
};

bool IceoryxReceiver::attach(QString *error)
{
    if (m_waitSet.attachState(m_messages, iox::popo::SubscriberState::HAS_DATA).has_error()) {
        *error = QStringLiteral("cannot attach the subscriber to a WaitSet");
        return false;
    }
    return true;
}

int IceoryxReceiver::run()
{
    int remaining;
    while (!m_tally.complete() && (remaining = m_clock.remainingMs()) > 0) {
        m_waitSet.timedWait(iox::units::Duration::fromMilliseconds(qMin(remaining, LongestWaitMs)));
        takeAll();
    }
    reportLine(m_tally.resultLine());
    if (!m_replyError.isEmpty())
        return reportUnsupported(QStringLiteral("cannot reply: ") + m_replyError);
    return 0;
}

void IceoryxReceiver::takeAll()
{
    for (;;) {
        const auto taken = m_messages.take();
        if (taken.has_error())
            return;
        const void *payload = taken.value();
        const quint32 size = chunkPayloadSize(payload);
        if (size == sizeof(IceoryxHello)) {
            answerHello(*static_cast<const IceoryxHello *>(payload));
        } else {
            m_tally.record(static_cast<const char *>(payload), qsizetype(size));
            m_clock.messageArrived();
            if (m_config.pingPong)
                echo(payload, size);
        }
        m_messages.release(payload);
    }
}

void IceoryxReceiver::answerHello(const IceoryxHello &hello)
{
    const IceoryxAck ack {hello.senderId, quint32(::getpid())};
    publishChunk(
            m_replies, sizeof(ack), [&ack](void *chunk) { std::memcpy(chunk, &ack, sizeof(ack)); }, &m_replyError);
}

// The echo is a chunk of the same size, written as the sender writes its messages.
void IceoryxReceiver::echo(const void *message, quint32 size)
{
    publishChunk(
            m_replies, size, [message](void *chunk) { std::memcpy(chunk, message, BenchHeaderSize); }, &m_replyError);
}

} // namespace

int iceoryxReceive(const PeerConfig &config)
{
    initIceoryxRuntime();
    IceoryxReceiver receiver(config);
    QString error;
    if (!receiver.attach(&error))
        return reportUnsupported(error);
    reportLine("ADDRESS iceoryx:xdmessaging-bench/" + config.channel.toUtf8() + "/messages#"
               + QByteArray::number(::getpid()));
    reportLine("READY");
    return receiver.run();
}
