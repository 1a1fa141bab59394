// SPDX-License-Identifier: MIT
// XDMessaging itself, through its public API only: xdmessaging-localsocket,
// xdmessaging-native and xdmessaging-auto differ in the transport asked for. Every
// message reaches the receiver as an XDListener::messageReceived signal.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

XDTransport xdMessagingTransportOf(const PeerConfig &config)
{
    // xdmessaging-localsocket, xdmessaging-native, xdmessaging-auto
    XDTransport transport = XDTransport::Auto;
    xdParseTransportName(config.system.section(QLatin1Char('-'), 1), &transport);
    return transport;
}

namespace {

QString echoChannel(const PeerConfig &config)
{
    return config.channel + QLatin1String("-echo");
}

} // namespace

int xdMessagingReceive(const PeerConfig &config)
{
    XDListener listener(xdMessagingTransportOf(config));
    XDBroadcaster echo(xdMessagingTransportOf(config));
    if (!listener.registerChannel(config.channel))
        return reportUnsupported(listener.errorString());
    ReceiveTally tally(config.senders, config.messagesPerSender());
    QtReceiveLoop loop(config, tally);
    QObject::connect(&listener, &XDListener::messageReceived, [&](const XDMessage &message) {
        const QByteArray payload = message.payload();
        tally.record(payload.constData(), payload.size());
        if (config.pingPong)
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
    if (!echoes.registerChannel(echoChannel(config)))
        return reportUnsupported(echoes.errorString());
    QEventLoop echoLoop;
    bool echoed = false;
    QObject::connect(&echoes, &XDListener::messageReceived, &echoLoop, [&] {
        echoed = true;
        echoLoop.quit();
    });
    QTimer timeout; // an echo that never comes ends the run, not the benchmark
    QObject::connect(&timeout, &QTimer::timeout, &echoLoop, &QEventLoop::quit);
    return runPingPong(config, tally, [&](const QByteArray &message, QString *error) {
        const XDSendResult result = broadcaster.sendToChannel(config.channel, message);
        if (!result || result.listenersReached() == 0) {
            *error = result.errorString();
            return false;
        }
        echoed = false;
        timeout.start(10000);
        echoLoop.exec();
        if (!echoed)
            *error = QStringLiteral("no echo within 10 s");
        return echoed;
    });
}

} // namespace

int xdMessagingSend(const PeerConfig &config)
{
    XDBroadcaster broadcaster(xdMessagingTransportOf(config));
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(broadcaster, config, tally);
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
    // Handed over to every listener that reads; a stopped one keeps its queue until the
    // driver resumed it and said EXIT.
    broadcaster.flush();
    tally.finish();
    return broadcaster.flush(30000) ? 0 : 1;
}
