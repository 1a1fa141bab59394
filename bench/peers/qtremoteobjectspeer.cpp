// SPDX-License-Identifier: MIT
// Qt Remote Objects over its local: transport, used for messages the way a Qt developer
// would: every receiver hosts a BenchSink source (benchsink.rep, compiled by repc) on a
// QRemoteObjectHost at local:<work dir>/<endpoint>, and a sender acquires one replica per
// receiver and calls its deliver() slot. Receivers host, as with every other system here,
// because a replica can wait for its source while a host cannot tell when all its replicas
// are there (a source's signal would need that before the first message).
//
// QtRO has no flow control: a call goes into the connection's buffer whatever the receiver
// does. So the sender asks for a confirm() every 256 messages or 1 MiB and keeps at most four
// unanswered per receiver, waiting for the oldest. A receiver that leaves one unanswered for
// 1 s (a stopped one) is dropped, and its remaining messages count as failed, as with
// raw-seqpacket and qlocalsocket. Ping-pong is the echo() slot and its reply.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include "rep_benchsink_merged.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>
#include <QtRemoteObjects/QRemoteObjectHost>
#include <QtRemoteObjects/QRemoteObjectNode>
#include <QtRemoteObjects/QRemoteObjectPendingCallWatcher>

#include <deque>
#include <memory>
#include <vector>

namespace {

constexpr int SendTimeoutMs = 1000;
constexpr int ConnectTimeoutMs = 5000;
constexpr qint64 CheckpointBytes = 1024 * 1024;
constexpr qint64 CheckpointMessages = 256;
constexpr size_t MaxUnansweredCheckpoints = 4;

class CountingSink : public BenchSinkSource
{
public:
    CountingSink(ReceiveTally &tally, QtReceiveLoop &loop) : m_tally(tally), m_loop(loop) {}

    void deliver(const QByteArray &message) override
    {
        m_tally.record(message.constData(), message.size());
        m_loop.messageArrived();
    }
    bool confirm() override { return true; }
    QByteArray echo(const QByteArray &message) override
    {
        deliver(message);
        return message;
    }

private:
    ReceiveTally &m_tally;
    QtReceiveLoop &m_loop;
};

} // namespace

int qtRemoteObjectsReceive(const PeerConfig &config)
{
    const QUrl url(QStringLiteral("local:") + config.workDir + QLatin1Char('/') + config.endpoint
                   + QLatin1String(".qtro"));
    ReceiveTally tally(config.senders, config.messagesPerSender());
    QtReceiveLoop loop(config, tally);
    CountingSink sink(tally, loop);
    QRemoteObjectHost host;
    if (!host.setHostUrl(url) || !host.enableRemoting(&sink))
        return reportUnsupported(QStringLiteral("cannot host on %1: %2")
                                         .arg(url.toString(), QVariant::fromValue(host.lastError()).toString()));
    reportLine("ADDRESS " + url.toString().toUtf8());
    reportLine("READY");
    const int code = loop.exec();
    // QtRO writes a reply from the event loop and has no flush: one more pass sends the
    // last echo before the connection closes.
    QCoreApplication::processEvents(QEventLoop::AllEvents, 100);
    return code;
}

namespace {

// One receiver as a sender sees it. The replica goes before its node.
struct RemoteSink
{
    std::unique_ptr<QRemoteObjectNode> node;
    std::unique_ptr<BenchSinkReplica> replica;
    std::deque<QRemoteObjectPendingReply<bool>> unansweredConfirms;
    bool dropped = false;
};

bool connectTo(const QString &target, RemoteSink &sink, QString *error)
{
    sink.node = std::make_unique<QRemoteObjectNode>();
    if (!sink.node->connectToNode(QUrl(target))) {
        *error = QStringLiteral("cannot connect to %1").arg(target);
        return false;
    }
    sink.replica.reset(sink.node->acquire<BenchSinkReplica>());
    if (!sink.replica->waitForSource(ConnectTimeoutMs)) {
        *error = QStringLiteral("no BenchSink at %1 within %2 s").arg(target).arg(ConnectTimeoutMs / 1000);
        return false;
    }
    return true;
}

// Runs the event loop until call is answered, the replica loses its source or timeoutMs
// pass; true when answered.
bool awaitAnswer(const QRemoteObjectPendingCall &call, const QRemoteObjectReplica &replica, int timeoutMs)
{
    if (call.isFinished())
        return true;
    QEventLoop loop;
    QRemoteObjectPendingCallWatcher watcher(call);
    QObject::connect(&watcher, &QRemoteObjectPendingCallWatcher::finished, &loop, &QEventLoop::quit);
    QObject::connect(&replica, &QRemoteObjectReplica::stateChanged, &loop, &QEventLoop::quit);
    QTimer timeout;
    timeout.setSingleShot(true);
    timeout.setTimerType(Qt::PreciseTimer); // a coarse one may end a 1 s bound at 950 ms
    QObject::connect(&timeout, &QTimer::timeout, &loop, &QEventLoop::quit);
    timeout.start(timeoutMs);
    loop.exec();
    return call.isFinished();
}

qint64 messagesPerCheckpoint(int size)
{
    return qBound<qint64>(1, CheckpointBytes / qMax(size, 1), CheckpointMessages);
}

// Sends one message, with a confirm() after it when checkpoint; false when the receiver
// left the oldest confirm unanswered for 1 s.
bool deliverTo(RemoteSink &sink, const QByteArray &message, bool checkpoint)
{
    sink.replica->deliver(message);
    if (!checkpoint)
        return true;
    std::deque<QRemoteObjectPendingReply<bool>> &unanswered = sink.unansweredConfirms;
    unanswered.push_back(sink.replica->confirm());
    while (!unanswered.empty() && unanswered.front().isFinished())
        unanswered.pop_front();
    if (unanswered.size() <= MaxUnansweredCheckpoints)
        return true;
    return awaitAnswer(unanswered.front(), *sink.replica, SendTimeoutMs);
}

// Until each receiver has handled everything (or has gone, having got all it expected):
// what is still in this process's buffers is lost when it ends.
void awaitAllHandled(std::vector<RemoteSink> &sinks)
{
    for (RemoteSink &sink : sinks) {
        if (!sink.dropped && sink.replica->state() == QRemoteObjectReplica::Valid)
            awaitAnswer(sink.replica->confirm(), *sink.replica, SendTimeoutMs);
    }
}

// Each echo() is answered through a watcher, and the next is called from the slot that
// took the answer. A watcher is deleted when the call after the next is made: never from
// its own signal.
int pingPong(RemoteSink &sink, const PeerConfig &config, SendTally &tally)
{
    std::unique_ptr<QRemoteObjectPendingCallWatcher> answering, answered;
    QtPingPong rounds(config, tally, [&](const QByteArray &message, QString *) {
        answered = std::move(answering);
        answering = std::make_unique<QRemoteObjectPendingCallWatcher>(sink.replica->echo(message));
        QObject::connect(answering.get(), &QRemoteObjectPendingCallWatcher::finished,
                         [&](QRemoteObjectPendingCallWatcher *watcher) {
                             if (watcher->returnValue().toByteArray().size() == config.size)
                                 rounds.echoArrived();
                             else
                                 rounds.fail(QStringLiteral("the echo came back with another size"));
                         });
        return true;
    });
    QObject::connect(sink.replica.get(), &QRemoteObjectReplica::stateChanged,
                     [&] { rounds.fail(QStringLiteral("the receiver's source went away")); });
    return rounds.exec();
}

} // namespace

int qtRemoteObjectsSend(const PeerConfig &config)
{
    std::vector<RemoteSink> sinks(size_t(config.targets.size()));
    for (size_t i = 0; i < sinks.size(); ++i) {
        QString error;
        if (!connectTo(config.targets.at(qsizetype(i)), sinks[i], &error))
            return reportUnsupported(error);
    }
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(sinks.front(), config, tally);
    QByteArray message = makeBenchMessage(config.size);
    const qint64 checkpointEvery = messagesPerCheckpoint(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        const bool checkpoint = (i + 1) % checkpointEvery == 0;
        for (RemoteSink &sink : sinks) {
            if (sink.dropped || !deliverTo(sink, message, checkpoint)) {
                tally.sendFailed();
                sink.dropped = true;
            }
        }
        tally.sendTook(monotonicNs() - before);
        tally.sent();
    }
    awaitAllHandled(sinks);
    tally.finish();
    return 0;
}
