// SPDX-License-Identifier: MIT
// XDMessaging itself, through its public API only: xdmessaging-localsocket,
// xdmessaging-native, xdmessaging-auto and xdmessaging-network differ in the transport
// asked for. Every message reaches the receiver as an XDListener::messageReceived
// signal; on xdmessaging-network it went through the driver's own redis-server.
// With --request the ping-pong is XDBroadcaster::request() answered by XDListener::reply();
// with --channels the receiver listens on that many channels, the run's one the last.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

#include <memory>

QString xdMessagingTransportName(const QString &system)
{
    // xdmessaging-localsocket, xdmessaging-native, xdmessaging-auto, xdmessaging-network
    return system.section(QLatin1Char('-'), 1);
}

XDTransport xdMessagingTransportOf(const PeerConfig &config)
{
    XDTransport transport = XDTransport::Auto;
    xdParseTransportName(xdMessagingTransportName(config.system), &transport);
    return transport;
}

namespace {

QString echoChannel(const PeerConfig &config)
{
    return config.channel + QLatin1String("-echo");
}

// A network listener gets what reaches Redis after it joined its channels' streams,
// which it reports as Connected: only then may senders start.
bool waitUntilListening(XDListener &listener, QString *error)
{
    if (listener.transport() != XDTransport::Network || listener.networkState() == XDNetworkState::Connected)
        return true;
    QEventLoop loop;
    QObject::connect(&listener, &XDListener::networkStateChanged, &loop,
                     [&](XDNetworkState state, const QString &reason) {
                         if (state == XDNetworkState::Disconnected)
                             *error = reason;
                         if (state == XDNetworkState::Connected || state == XDNetworkState::Disconnected)
                             loop.quit();
                     });
    QTimer::singleShot(10000, &loop, &QEventLoop::quit);
    loop.exec();
    if (listener.networkState() == XDNetworkState::Connected)
        return true;
    if (error->isEmpty())
        *error = QStringLiteral("not connected to Redis within 10 s");
    return false;
}

// The run's channel last: the others are registered before, so the one sent on is not
// simply the first a lookup finds.
bool registerChannels(XDListener &listener, const PeerConfig &config)
{
    for (int i = 1; i < config.channels; ++i) {
        if (!listener.registerChannel(config.channel + QStringLiteral("-other%1").arg(i)))
            return false;
    }
    return listener.registerChannel(config.channel);
}

// Reached a listener, or (on the network, where listeners are unknown) Redis took it.
bool delivered(const XDSendResult &result)
{
    return result && (result.listenersReached() > 0 || result.propagatedToNetwork());
}

} // namespace

int xdMessagingReceive(const PeerConfig &config)
{
    XDListener listener(xdMessagingTransportOf(config));
    XDBroadcaster echo(xdMessagingTransportOf(config));
    QString error;
    if (!registerChannels(listener, config) || !waitUntilListening(listener, &error))
        return reportUnsupported(error.isEmpty() ? listener.errorString() : error);
    ReceiveTally tally(config.senders, config.messagesPerSender());
    QtReceiveLoop loop(config, tally);
    QObject::connect(&listener, &XDListener::messagesLost,
                     [&](const QString &, qint64 count) { tally.lossReported(count); });
    QObject::connect(&listener, &XDListener::messageReceived, [&](const XDMessage &message) {
        const QByteArray payload = message.payload();
        tally.record(payload.constData(), payload.size());
        if (config.request)
            listener.reply(message, payload);
        else if (config.pingPong)
            echo.sendToChannel(echoChannel(config), payload);
        loop.messageArrived();
    });
    reportLine("READY");
    return loop.exec();
}

namespace {

int pingPong(XDBroadcaster &broadcaster, const PeerConfig &config, SendTally &tally)
{
    XDListener echoes(xdMessagingTransportOf(config));
    QString error;
    if (!echoes.registerChannel(echoChannel(config)) || !waitUntilListening(echoes, &error))
        return reportUnsupported(error.isEmpty() ? echoes.errorString() : error);
    QtPingPong rounds(config, tally, [&](const QByteArray &message, QString *error) {
        const XDSendResult result = broadcaster.sendToChannel(config.channel, message);
        const bool sent = delivered(result);
        if (!sent)
            *error = result.errorString();
        return sent;
    });
    QObject::connect(&echoes, &XDListener::messageReceived, [&] { rounds.echoArrived(); });
    return rounds.exec();
}

// A request answered by the one receiver: its reply, not an echo on a channel of its own.
// The round trip ends with the reply. On the network, where nobody knows how many listen,
// the request itself would wait for its timeout.
int requestPingPong(XDBroadcaster &broadcaster, const PeerConfig &config, SendTally &tally)
{
    // A request is deleted when the one after the next is sent: never from its own signal.
    std::unique_ptr<XDRequest> answering, answered;
    QtPingPong rounds(config, tally, [&](const QByteArray &message, QString *error) {
        answered = std::move(answering);
        answering.reset(broadcaster.request(config.channel, message, 10000));
        XDRequest *const request = answering.get();
        if (!request->sendResult()) {
            *error = request->sendResult().errorString();
            return false;
        }
        QObject::connect(request, &XDRequest::replyReceived, [&rounds, request] {
            if (request->replies().size() == 1) // a second is a duplicate, which finished() reports
                rounds.echoArrived();
        });
        QObject::connect(request, &XDRequest::finished, [&rounds, request] {
            if (request->replies().size() != 1)
                rounds.fail(QStringLiteral("%1 replies within 10 s, not one").arg(request->replies().size()));
        });
        return true;
    });
    return rounds.exec();
}

} // namespace

void xdMessagingBurst(XDBroadcaster &broadcaster, const PeerConfig &config, SendTally &tally)
{
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        // Writing the header detaches the payload when the library still holds the last
        // one, as new data in a real application would be a new buffer.
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        const XDSendResult result = broadcaster.sendToChannel(config.channel, message);
        tally.sendTook(monotonicNs() - before);
        tally.sendFailed(result.listenersFailed());
        tally.sent();
    }
}

int xdMessagingSend(const PeerConfig &config)
{
    XDBroadcaster broadcaster(xdMessagingTransportOf(config));
    SendTally tally;
    tally.begin();
    if (config.request)
        return requestPingPong(broadcaster, config, tally);
    if (config.pingPong)
        return pingPong(broadcaster, config, tally);
    xdMessagingBurst(broadcaster, config, tally);
    // Handed over to every listener that reads; a stopped one keeps its queue until the
    // driver resumed it and said EXIT.
    broadcaster.flush();
    tally.finish();
    return broadcaster.flush(30000) ? 0 : 1;
}
