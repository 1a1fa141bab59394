// SPDX-License-Identifier: MIT
// The baseline a Qt developer writes by hand: QLocalServer and QLocalSocket on the event
// loop. The stream has no message boundaries; every message of a run has the same size,
// which is the framing. The sender waits for the socket when more than 4 MiB are
// buffered, and drops a receiver that takes no data for 1 s (a stopped one).
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <QtCore/QCoreApplication>
#include <QtNetwork/QLocalServer>
#include <QtNetwork/QLocalSocket>

#include <memory>
#include <vector>

namespace {

constexpr qint64 WriteBufferLimit = 4 * 1024 * 1024;
constexpr int SendTimeoutMs = 1000;

void readMessages(QLocalSocket *socket, const PeerConfig &config, ReceiveTally &tally, QtReceiveLoop &loop)
{
    QByteArray message(config.size, Qt::Uninitialized);
    while (socket->bytesAvailable() >= config.size) {
        socket->read(message.data(), config.size);
        tally.record(message.constData(), message.size());
        if (config.pingPong) {
            socket->write(message);
            socket->flush(); // now, and before the receiver exits after the last one
        }
        loop.messageArrived();
    }
}

} // namespace

int qLocalSocketReceive(const PeerConfig &config)
{
    const QString path = config.workDir + QLatin1Char('/') + config.endpoint + QLatin1String(".qlocalsocket");
    QLocalServer server;
    if (!server.listen(path))
        return reportUnsupported(QStringLiteral("cannot listen on %1: %2").arg(path, server.errorString()));
    ReceiveTally tally(config.senders, config.messagesPerSender());
    QtReceiveLoop loop(config, tally);
    QObject::connect(&server, &QLocalServer::newConnection, [&] {
        while (QLocalSocket *socket = server.nextPendingConnection()) {
            QObject::connect(socket, &QLocalSocket::readyRead, socket,
                             [socket, &config, &tally, &loop] { readMessages(socket, config, tally, loop); });
        }
    });
    reportLine("ADDRESS " + path.toUtf8());
    reportLine("READY");
    return loop.exec();
}

namespace {

bool readEcho(QLocalSocket &socket, qsizetype size)
{
    while (socket.bytesAvailable() < size) {
        if (!socket.waitForReadyRead(10000))
            return false;
    }
    socket.read(size);
    return true;
}

int pingPong(QLocalSocket &socket, const PeerConfig &config, SendTally &tally)
{
    return runPingPong(config, tally, [&](const QByteArray &message, QString *error) {
        socket.write(message);
        socket.flush();
        if (readEcho(socket, message.size()))
            return true;
        *error = socket.errorString();
        return false;
    });
}

// Writes one message to every receiver still taking data.
void writeToAll(std::vector<std::unique_ptr<QLocalSocket>> &sockets, const QByteArray &message, SendTally &tally)
{
    for (std::unique_ptr<QLocalSocket> &socket : sockets) {
        if (!socket) {
            tally.sendFailed();
            continue;
        }
        socket->write(message);
        if (socket->bytesToWrite() > WriteBufferLimit && !socket->waitForBytesWritten(SendTimeoutMs)) {
            tally.sendFailed();
            socket.reset();
        }
    }
}

} // namespace

int qLocalSocketSend(const PeerConfig &config)
{
    std::vector<std::unique_ptr<QLocalSocket>> sockets;
    for (const QString &target : config.targets) {
        auto socket = std::make_unique<QLocalSocket>();
        socket->connectToServer(target);
        if (!socket->waitForConnected(5000))
            return reportUnsupported(QStringLiteral("cannot connect to %1: %2").arg(target, socket->errorString()));
        sockets.push_back(std::move(socket));
    }
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(*sockets.front(), config, tally);
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        writeToAll(sockets, message, tally);
        tally.sendTook(monotonicNs() - before);
        tally.sent();
    }
    for (std::unique_ptr<QLocalSocket> &socket : sockets) {
        while (socket && socket->bytesToWrite() > 0) {
            if (!socket->waitForBytesWritten(SendTimeoutMs))
                socket.reset(); // a stopped receiver: what it did not take is lost to it
        }
    }
    tally.finish();
    return 0;
}
