// SPDX-License-Identifier: MIT
// Qt D-Bus: a broadcast signal org.xdmessaging.Bench.message(ay) on the path
// /bench/<channel>, routed by a private dbus-daemon the driver started
// (DBUS_SESSION_BUS_ADDRESS). Receivers match it; echoes go back as "pong".
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <QtCore/QCoreApplication>
#include <QtDBus/QDBusConnection>
#include <QtDBus/QDBusConnectionInterface>
#include <QtDBus/QDBusMessage>

namespace {

const QString Interface = QStringLiteral("org.xdmessaging.Bench");

QString pathOf(const PeerConfig &config)
{
    return QStringLiteral("/bench/") + config.channel;
}

// A round trip to the bus: everything sent before, match rules included, has been
// processed by the daemon when it returns.
bool syncWithBus(QDBusConnection &bus)
{
    return bus.interface()->call(QStringLiteral("GetId")).type() == QDBusMessage::ReplyMessage;
}

QDBusMessage benchSignal(const PeerConfig &config, const QString &member, const QByteArray &payload)
{
    QDBusMessage signal = QDBusMessage::createSignal(pathOf(config), Interface, member);
    signal << payload;
    return signal;
}

} // namespace

class DBusBenchSlot : public QObject
{
    Q_OBJECT
public:
    std::function<void(const QByteArray &)> handler;
public Q_SLOTS:
    void onSignal(const QByteArray &payload) { handler(payload); }
};

int qtDbusReceive(const PeerConfig &config)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return reportUnsupported(QStringLiteral("no D-Bus session bus: %1").arg(bus.lastError().message()));
    ReceiveTally tally(config.senders, config.messagesPerSender());
    QtReceiveLoop loop(config, tally);
    DBusBenchSlot slot;
    slot.handler = [&](const QByteArray &payload) {
        tally.record(payload.constData(), payload.size());
        if (config.pingPong)
            bus.send(benchSignal(config, QStringLiteral("pong"), payload));
        loop.messageArrived();
    };
    if (!bus.connect(QString(), pathOf(config), Interface, QStringLiteral("message"), &slot, SLOT(onSignal(QByteArray)))
        || !syncWithBus(bus))
        return reportUnsupported(QStringLiteral("cannot subscribe: %1").arg(bus.lastError().message()));
    reportLine("READY");
    const int code = loop.exec();
    syncWithBus(bus); // the last echo has left before the process ends
    return code;
}

namespace {

int pingPong(QDBusConnection &bus, const PeerConfig &config, SendTally &tally)
{
    QtPingPong rounds(config, tally, [&](const QByteArray &message, QString *error) {
        if (bus.send(benchSignal(config, QStringLiteral("message"), message)))
            return true;
        *error = bus.lastError().message();
        return false;
    });
    DBusBenchSlot slot;
    slot.handler = [&](const QByteArray &) { rounds.echoArrived(); };
    if (!bus.connect(QString(), pathOf(config), Interface, QStringLiteral("pong"), &slot, SLOT(onSignal(QByteArray)))
        || !syncWithBus(bus))
        return reportUnsupported(QStringLiteral("cannot subscribe to pong"));
    return rounds.exec();
}

} // namespace

int qtDbusSend(const PeerConfig &config)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return reportUnsupported(QStringLiteral("no D-Bus session bus: %1").arg(bus.lastError().message()));
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(bus, config, tally);
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        if (!bus.send(benchSignal(config, QStringLiteral("message"), message)))
            tally.sendFailed();
        tally.sendTook(monotonicNs() - before);
        tally.sent();
    }
    // Messages leave in order: once this call returns, all signals are with the daemon.
    if (!syncWithBus(bus))
        tally.sendFailed();
    tally.finish();
    return 0;
}

#include "qtdbuspeer.moc"
