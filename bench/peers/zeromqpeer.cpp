// SPDX-License-Identifier: MIT
// ZeroMQ publish/subscribe without loss: each receiver binds a SUB socket on an ipc://
// endpoint, the sender's XPUB connects to all of them with ZMQ_XPUB_NODROP, so a full
// subscriber makes send() wait instead of dropping. A send that waits 1 s
// (ZMQ_SNDTIMEO, XDBroadcaster's default bound) ends the run: with NODROP a stalled
// subscriber holds every subscriber, and the rest is counted as failed.
// For ping-pong the receiver also binds an XPUB for echoes, which the sender subscribes to.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <zmq.hpp>

namespace {

constexpr int SendTimeoutMs = 1000;

// Waits for count subscriptions on an XPUB socket, so nothing is sent into the void.
bool awaitSubscribers(zmq::socket_t &publisher, int count)
{
    publisher.set(zmq::sockopt::rcvtimeo, 10000);
    for (int i = 0; i < count; ++i) {
        zmq::message_t subscription;
        if (!publisher.recv(subscription))
            return false;
    }
    return true;
}

zmq::socket_t makePublisher(zmq::context_t &context)
{
    zmq::socket_t publisher(context, zmq::socket_type::xpub);
    publisher.set(zmq::sockopt::xpub_nodrop, 1);
    publisher.set(zmq::sockopt::xpub_verbose, 1); // one subscription message per subscriber
    publisher.set(zmq::sockopt::sndtimeo, SendTimeoutMs);
    publisher.set(zmq::sockopt::linger, 2000);
    return publisher;
}

} // namespace

int zeroMqReceive(const PeerConfig &config)
{
    zmq::context_t context;
    zmq::socket_t subscriber(context, zmq::socket_type::sub);
    zmq::socket_t echo = makePublisher(context);
    const std::string address = "ipc://" + QString(config.workDir + QLatin1Char('/') + config.endpoint).toStdString();
    try {
        subscriber.set(zmq::sockopt::subscribe, "");
        subscriber.bind(address + ".sub");
        if (config.pingPong)
            echo.bind(address + ".echo");
    } catch (const zmq::error_t &e) {
        return reportUnsupported(
                QStringLiteral("cannot bind %1: %2").arg(QString::fromStdString(address), QString::fromUtf8(e.what())));
    }
    reportLine("ADDRESS " + QByteArray::fromStdString(address));
    reportLine("READY");
    ReceiveTally tally(config.senders, config.messagesPerSender());
    ReceiveClock clock(config);
    bool echoSubscribed = false;
    int remaining;
    while (!tally.complete() && (remaining = clock.remainingMs()) > 0) {
        subscriber.set(zmq::sockopt::rcvtimeo, remaining);
        zmq::message_t message;
        if (!subscriber.recv(message))
            continue;
        tally.record(static_cast<const char *>(message.data()), qsizetype(message.size()));
        clock.messageArrived();
        if (config.pingPong) {
            echoSubscribed = echoSubscribed || awaitSubscribers(echo, 1);
            echo.send(message, zmq::send_flags::none);
        }
    }
    reportLine(tally.resultLine());
    return 0;
}

namespace {

int pingPong(zmq::context_t &context, zmq::socket_t &publisher, const PeerConfig &config, SendTally &tally)
{
    zmq::socket_t echoes(context, zmq::socket_type::sub);
    echoes.set(zmq::sockopt::subscribe, "");
    echoes.set(zmq::sockopt::rcvtimeo, 10000);
    echoes.connect(config.targets.front().toStdString() + ".echo");
    return runPingPong(config, tally, [&](const QByteArray &message, QString *error) {
        zmq::message_t echo;
        const bool ok = publisher.send(zmq::buffer(message.constData(), size_t(message.size()))) && echoes.recv(echo);
        if (!ok)
            *error = QStringLiteral("no echo within 10 s");
        return ok;
    });
}

} // namespace

int zeroMqSend(const PeerConfig &config)
{
    zmq::context_t context;
    zmq::socket_t publisher = makePublisher(context);
    for (const QString &target : config.targets)
        publisher.connect(target.toStdString() + ".sub");
    if (!awaitSubscribers(publisher, int(config.targets.size())))
        return reportUnsupported(QStringLiteral("subscribers did not connect"));
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(context, publisher, config, tally);
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        const bool sent = bool(publisher.send(zmq::buffer(message.constData(), size_t(message.size()))));
        tally.sendTook(monotonicNs() - before);
        if (!sent) {
            tally.sendFailed((config.count - i) * config.targets.size());
            break;
        }
        tally.sent();
    }
    tally.finish();
    return 0;
}
