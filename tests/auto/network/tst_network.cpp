// SPDX-License-Identifier: MIT
// The network transport against a real redis-server of the test's own. Two "machines"
// are two runtime directories without a display, so only Redis connects them.
#include "listenerfixture.h"
#include "peerprocess.h"
#include "redisserver.h"
#include "reliabilityreport.h"

#include "codec/frame_p.h"
#include "transports/redis/rediskeys_p.h"
#include "transports/redis/redisreply_p.h"
#include "transports/redis/redissender_p.h"
#include "transports/redis/serverclock_p.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QScopeGuard>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <algorithm>
#include <cmath>
#include <memory>

#include <csignal>

namespace {

QString randomName(const QString &prefix)
{
    return prefix + QUuid::createUuid().toString(QUuid::Id128).left(12);
}

// "DONE <received> <duplicates> <out of order> <rss>" -> the first three numbers.
QString doneCounts(PeerProcess &peer)
{
    return peer.lineStartingWith(QStringLiteral("DONE ")).section(QLatin1Char(' '), 0, 3);
}

} // namespace

class tst_Network : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void messagesFlowBothWaysBetweenMachines();
    void redisRestartMidStreamLosesNothing();
    void droppedConnectionsLoseNothing();
    void stoppedRedisIsNoticedAndLosesNothing();
    void backlogFromAStopGoesOutOnTheNextConnection();
    void channelRegisteredWhileReadingMissesNothing();
    void channelRegisteredAgainGetsNothingFromTheGap();
    void newChannelStartsBelowEveryEntryAddedAfterIt();
    void fullQueueWhileRedisIsDownRefusesAndKeepsWhatItAccepted();
    void rightPasswordWorksWrongPasswordIsAClearError();
    void garbageOnTheStreamIsDroppedAndLogged();
    void listenerTooFarBehindIsToldHowManyItMissed();
    void listenerDeletedWhenToldOfALoss();
    void aKeyThatIsNoStreamDoesNotStopTheOtherChannels();
    void messageArrivingLocallyAndThroughRedisIsDeliveredOnce();
    void propagatedStreamIsDeliveredExactlyOnce_data();
    void propagatedStreamIsDeliveredExactlyOnce();
    void unreachableRedisIsReportedAndLocalDeliveryGoesOn();
    void networkStateChangesWithItsSignal();
    void unresolvableHostNameIsAClearError();
    void autoListensOnTheNetworkOnlyWhenConfigured();
    void readyOnceRedisConfirmedTheChannel();
    void requestAndReplyAcrossMachines();
    void retainedValueThroughRedis();
    void presenceAcrossMachines();
    void presenceOfAListenerReachableBothWays();

private:
    PeerProcess *startPeer(const QString &runtimeDir, const QStringList &arguments);
    void hearOneMessage(XDListener &listener, QSignalSpy &received, XDBroadcaster &broadcaster,
                        const QStringList &channels);
    std::unique_ptr<RedisServer> m_redis;
    std::unique_ptr<QTemporaryDir> m_machineA;
    std::unique_ptr<QTemporaryDir> m_machineB;
    QString m_namespace;
    std::vector<std::unique_ptr<PeerProcess>> m_peers; // ended by PID in cleanup()
};

void tst_Network::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty())
        QSKIP("redis-server is not installed (scripts/install-deps.sh installs it)");
    LibraryWarnings::capture();
}

void tst_Network::init()
{
    qunsetenv("DISPLAY");
    qunsetenv("XDMESSAGING_TRANSPORT");
    m_redis = std::make_unique<RedisServer>();
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    m_machineA = std::make_unique<QTemporaryDir>();
    m_machineB = std::make_unique<QTemporaryDir>();
    m_namespace = randomName(QStringLiteral("test-"));
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_machineA->path()));
    qputenv("XDMESSAGING_REDIS_URL", m_redis->url().toUtf8());
    qputenv("XDMESSAGING_REDIS_NAMESPACE", m_namespace.toUtf8());
    XDNetworkSettings::setRedisUrl(QString());
    LibraryWarnings::captured().clear();
}

void tst_Network::cleanup()
{
    m_peers.clear();
    m_redis.reset();
}

PeerProcess *tst_Network::startPeer(const QString &runtimeDir, const QStringList &arguments)
{
    m_peers.push_back(std::make_unique<PeerProcess>(QStringLiteral(TESTPEER_PATH), runtimeDir, arguments));
    return m_peers.back().get();
}

// Registers listener on channels, waits until it is connected, and has broadcaster send
// it one message ("before", on the last channel), which it must receive: both ends then
// work. The caller checks QTest::currentTestFailed().
void tst_Network::hearOneMessage(XDListener &listener, QSignalSpy &received, XDBroadcaster &broadcaster,
                                 const QStringList &channels)
{
    for (const QString &channel : channels)
        QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
    QVERIFY(broadcaster.sendToChannel(channels.last(), QStringLiteral("before")).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
}

// Each machine has a listener and a propagating sender. A listener gets the other
// machine's messages through Redis only, and its own machine's messages both locally and
// through Redis: each exactly once, in order per sender.
void tst_Network::messagesFlowBothWaysBetweenMachines()
{
    constexpr int Count = 300;
    const QString channel = randomName(QStringLiteral("net-"));
    const QString countArg = QString::number(Count);
    PeerProcess *listenerA =
            startPeer(m_machineA->path(), {QStringLiteral("count"), channel, QStringLiteral("2"), countArg});
    PeerProcess *listenerB =
            startPeer(m_machineB->path(), {QStringLiteral("count"), channel, QStringLiteral("2"), countArg});
    QVERIFY(listenerA->waitForReady());
    QVERIFY(listenerB->waitForReady());

    PeerProcess *senderA = startPeer(m_machineA->path(), {QStringLiteral("propagate"), channel, countArg,
                                                          QStringLiteral("a"), QStringLiteral("0")});
    PeerProcess *senderB = startPeer(m_machineB->path(), {QStringLiteral("propagate"), channel, countArg,
                                                          QStringLiteral("b"), QStringLiteral("0")});
    QVERIFY(senderA->waitForFinished(60000));
    QVERIFY(senderB->waitForFinished(60000));
    // Each sender reached its own machine's listener locally, once per message.
    QCOMPARE(senderA->lineStartingWith(QStringLiteral("SENT ")), QStringLiteral("SENT %1 0 %1").arg(Count));
    QCOMPARE(senderB->lineStartingWith(QStringLiteral("SENT ")), QStringLiteral("SENT %1 0 %1").arg(Count));

    QVERIFY(listenerA->waitForFinished(30000));
    QVERIFY(listenerB->waitForFinished(30000));
    const QString expected = QStringLiteral("DONE %1 0 0").arg(2 * Count);
    QCOMPARE(doneCounts(*listenerA), expected);
    QCOMPARE(doneCounts(*listenerB), expected);
}

// SIGKILL Redis while messages flow, restart it empty on the same port. The listener is
// stopped meanwhile, so Redis had acknowledged messages nobody read when it died: the
// sender's retention adds them again, its queue keeps what came during the outage, and
// the listener resumes on the new server and drops the repeats.
void tst_Network::redisRestartMidStreamLosesNothing()
{
    constexpr int Count = 300;
    const QString channel = randomName(QStringLiteral("restart-"));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    auto streamLength = [&] { return m_redis->cli({QStringLiteral("XLEN"), key}).trimmed().toInt(); };
    PeerProcess *listener = startPeer(m_machineB->path(),
                                      {QStringLiteral("count"), channel, QStringLiteral("1"), QString::number(Count)});
    QVERIFY(listener->waitForReady());
    PeerProcess *sender = startPeer(m_machineA->path(), {QStringLiteral("propagate"), channel, QString::number(Count),
                                                         QStringLiteral("r"), QStringLiteral("10")});

    QTRY_VERIFY_WITH_TIMEOUT(streamLength() >= 50, 20000);
    QCOMPARE(::kill(pid_t(listener->pid()), SIGSTOP), 0);
    const int lengthWhenStopped = streamLength();
    QTRY_VERIFY_WITH_TIMEOUT(streamLength() >= lengthWhenStopped + 50, 20000);
    m_redis->kill();
    QTest::qWait(8000); // messages keep being accepted meanwhile; within the 10 s promised
    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    QCOMPARE(::kill(pid_t(listener->pid()), SIGCONT), 0);

    QVERIFY(sender->waitForFinished(60000));
    QCOMPARE(sender->lineStartingWith(QStringLiteral("SENT ")), QStringLiteral("SENT 0 0 %1").arg(Count));
    QVERIFY(listener->waitForFinished(30000));
    QCOMPARE(doneCounts(*listener), QStringLiteral("DONE %1 0 0").arg(Count));
    // The replayed repeats are no gap: nothing is reported lost.
    QCOMPARE(listener->lineStartingWith(QStringLiteral("LOST ")), QString());
    reportReliability(QStringLiteral("network"),
                      QStringLiteral("Redis SIGKILLed during %1 messages while the listener was stopped, down 8 s, "
                                     "restarted empty")
                              .arg(Count),
                      QStringLiteral("the listener got all %1 once, in order (the sender added its last 30 s "
                                     "again); no loss reported")
                              .arg(Count));
}

// Redis drops every client connection, three times while messages flow (the server and
// its streams stay): the sender sends again what was not acknowledged, the listener
// resumes from its last entry; nothing lost, nothing twice, order kept.
void tst_Network::droppedConnectionsLoseNothing()
{
    constexpr int Count = 300;
    const QString channel = randomName(QStringLiteral("dropped-"));
    PeerProcess *listener = startPeer(m_machineB->path(),
                                      {QStringLiteral("count"), channel, QStringLiteral("1"), QString::number(Count)});
    QVERIFY(listener->waitForReady());
    PeerProcess *sender = startPeer(m_machineA->path(), {QStringLiteral("propagate"), channel, QString::number(Count),
                                                         QStringLiteral("d"), QStringLiteral("5")});
    // The clients connected, not counting the redis-cli asking.
    const auto connectedClients = [&] {
        const QList<QByteArray> clients = m_redis->cli({QStringLiteral("CLIENT"), QStringLiteral("LIST"),
                                                        QStringLiteral("TYPE"), QStringLiteral("normal")})
                                                  .trimmed()
                                                  .split('\n');
        return std::count_if(clients.cbegin(), clients.cend(), [](const QByteArray &line) {
            return line.contains("cmd=") && !line.contains("cmd=client|list");
        });
    };
    for (int drop = 0; drop < 3; ++drop) {
        QTest::qWait(300);
        // Both have (re)connected: a slow start (sanitizers) or a reconnect backoff may
        // take longer than the pause.
        QTRY_VERIFY_WITH_TIMEOUT(connectedClients() >= 2, 20000);
        const QByteArray killed = m_redis->cli(
                {QStringLiteral("CLIENT"), QStringLiteral("KILL"), QStringLiteral("TYPE"), QStringLiteral("normal")});
        QVERIFY2(killed.trimmed().toInt() >= 2, killed.constData()); // at least the sender's and the listener's
    }
    QVERIFY(sender->waitForFinished(60000));
    QCOMPARE(sender->lineStartingWith(QStringLiteral("SENT ")), QStringLiteral("SENT 0 0 %1").arg(Count));
    QVERIFY(listener->waitForFinished(30000));
    QCOMPARE(doneCounts(*listener), QStringLiteral("DONE %1 0 0").arg(Count));
    QVERIFY(listener->lineContaining(QStringLiteral("NETWORK 3")).contains(QStringLiteral("Redis at")));
    reportReliability(QStringLiteral("network"),
                      QStringLiteral("every Redis client connection killed 3 times during %1 messages").arg(Count),
                      QStringLiteral("the listener got all %1 once, in order; the outages were reported").arg(Count));
}

// redis-server SIGSTOPped: its kernel still accepts and acknowledges what is sent, so no
// reset ever comes and only commands that go unanswered show it (a half-open connection
// looks the same). The listener and the broadcaster notice within 15 s; once the server
// resumes, every message arrives, once, in order.
void tst_Network::stoppedRedisIsNoticedAndLosesNothing()
{
    constexpr int Before = 50;
    constexpr int During = 50;
    const QString channel = randomName(QStringLiteral("stopped-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
    XDBroadcaster broadcaster(XDTransport::Network);
    for (int i = 0; i < Before; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), Before, 10000);

    const pid_t redis = pid_t(m_redis->pid());
    QCOMPARE(::kill(redis, SIGSTOP), 0);
    const auto resume = qScopeGuard([redis] { ::kill(redis, SIGCONT); });
    QElapsedTimer stopped;
    stopped.start();
    for (int i = Before; i < Before + During; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Disconnected, 15000);
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Disconnected, 15000);
    const qint64 noticedMs = stopped.elapsed();
    QVERIFY2(noticedMs <= 15000, qPrintable(QString::number(noticedMs)));
    QCOMPARE(received.size(), Before);

    QCOMPARE(::kill(redis, SIGCONT), 0);
    QVERIFY(broadcaster.flush(30000));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), Before + During, 30000);
    QTest::qWait(1500); // nothing more comes: no message twice
    QCOMPARE(received.size(), Before + During);
    for (int i = 0; i < Before + During; ++i)
        QCOMPARE(received.at(i).at(0).value<XDMessage>().text(), QString::number(i));
    QCOMPARE(listener.networkState(), XDNetworkState::Connected);
    reportReliability(QStringLiteral("network"),
                      QStringLiteral("redis-server SIGSTOPped (no reset: as a half-open connection) during %1 "
                                     "messages, then SIGCONT")
                              .arg(Before + During),
                      QStringLiteral("both ends noticed within %1 s; the listener got all %2 once, in order")
                              .arg((noticedMs + 999) / 1000)
                              .arg(Before + During));
}

// A backlog as long as the queue allows, built up while Redis is stopped, goes out on
// the connection made once it resumes. The sender goes on reading replies and checking
// liveness while it writes the backlog, so it does not give that connection up as stuck
// (its own thread, not the server, would have been the one not answering).
void tst_Network::backlogFromAStopGoesOutOnTheNextConnection()
{
    constexpr int Backlog = 90000; // under the stream's length bound: nothing is trimmed
    const QString channel = randomName(QStringLiteral("backlog-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster(XDTransport::Network);
    hearOneMessage(listener, received, broadcaster, {channel});
    if (QTest::currentTestFailed())
        return;

    const pid_t redis = pid_t(m_redis->pid());
    QCOMPARE(::kill(redis, SIGSTOP), 0);
    const auto resume = qScopeGuard([redis] { ::kill(redis, SIGCONT); });
    for (int i = 0; i < Backlog; ++i) {
        const XDSendResult result = broadcaster.sendToChannel(channel, QString::number(i));
        QVERIFY2(result.propagatedToNetwork(), qPrintable(result.errorString()));
    }
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Disconnected, 30000);
    QCOMPARE(::kill(redis, SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Connected, 30000);
    QSignalSpy states(&broadcaster, &XDBroadcaster::networkStateChanged);
    QVERIFY(broadcaster.flush(120000));
    QVERIFY2(states.isEmpty(), qPrintable(states.value(0).value(1).toString()));
    // Whether a connection is given up depends on how loaded the machine is; that the
    // backlog went in pieces does not.
    XDMessagingPrivate::TransportFailure failure;
    const auto sender = XDMessagingPrivate::RedisSender::instance(&failure); // the broadcaster's
    QVERIFY2(sender, qPrintable(failure.message));
    const size_t mostInFlight = sender->mostMessagesInFlight();
    QVERIFY2(mostInFlight <= Backlog / 4, qPrintable(QString::number(mostInFlight)));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1 + Backlog, 120000);
    QTest::qWait(1500); // nothing more comes: no message twice
    QCOMPARE(received.size(), 1 + Backlog);
    for (int i = 0; i < Backlog; ++i) {
        if (received.at(1 + i).at(0).value<XDMessage>().text() != QString::number(i))
            QFAIL(qPrintable(QStringLiteral("message %1 is out of order").arg(i)));
    }
    reportReliability(
            QStringLiteral("network"),
            QStringLiteral("redis-server SIGSTOPped while a broadcaster queued %1 messages, then SIGCONT").arg(Backlog),
            QStringLiteral("the backlog went out on the next connection, at most %1 unanswered at a "
                           "time; the listener got all %2 once, in order")
                    .arg(mostInFlight)
                    .arg(1 + Backlog));
}

// A channel registered while the listener's blocking read of its other channels is out:
// what is sent once registerChannel() returned arrives, though the read that includes
// the new channel starts only when the one out returns.
void tst_Network::channelRegisteredWhileReadingMissesNothing()
{
    const QString first = randomName(QStringLiteral("first-"));
    const QString second = randomName(QStringLiteral("second-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster(XDTransport::Network);
    hearOneMessage(listener, received, broadcaster, {first});
    if (QTest::currentTestFailed())
        return;
    QTest::qWait(200); // the next blocking read is out
    QVERIFY(listener.registerChannel(second));
    for (int i = 0; i < 20; ++i)
        QVERIFY(broadcaster.sendToChannel(second, QString::number(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 21, 10000);
    for (int i = 0; i < 20; ++i)
        QCOMPARE(received.at(1 + i).at(0).value<XDMessage>().text(), QString::number(i));
}

// Unregistered, sent to, registered again while the read that still covered it was
// out: what was sent in between is not delivered, what comes after is.
void tst_Network::channelRegisteredAgainGetsNothingFromTheGap()
{
    const QString kept = randomName(QStringLiteral("kept-"));
    const QString again = randomName(QStringLiteral("again-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster(XDTransport::Network);
    hearOneMessage(listener, received, broadcaster, {kept, again});
    if (QTest::currentTestFailed())
        return;
    QTest::qWait(200); // the next blocking read, covering both channels, is out
    QVERIFY(listener.unregisterChannel(again));
    for (int i = 0; i < 10; ++i)
        QVERIFY(broadcaster.sendToChannel(again, QStringLiteral("gap %1").arg(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    // The read that was out has answered with the gap by now, unprocessed: this thread
    // runs no event loop while it sleeps. (A message Redis added within the round trip of
    // the listener's TIME and two milliseconds before the registration may still arrive.)
    QThread::msleep(100);
    QVERIFY(listener.registerChannel(again));
    for (int i = 0; i < 5; ++i)
        QVERIFY(broadcaster.sendToChannel(again, QStringLiteral("after %1").arg(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 6, 10000);
    QTest::qWait(1500); // the gap would have come by now
    QCOMPARE(received.size(), 6);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(received.at(1 + i).at(0).value<XDMessage>().text(), QStringLiteral("after %1").arg(i));
}

// Where a channel registered while connected starts reading, against the ids Redis gives
// the entries added after registerChannel() returned: for any lead of the server's
// clock, any round trip of the TIME that measured it, any moment within it that the
// server read its clock, and the truncation of every clock reading to what it shows.
// (CI once lost the first message after a registration when the estimate, rounded to
// milliseconds, came out a millisecond late and the start id excluded "<ms>-0".)
void tst_Network::newChannelStartsBelowEveryEntryAddedAfterIt()
{
    using namespace XDMessagingPrivate;
    QRandomGenerator random(19);
    for (int i = 0; i < 200000; ++i) {
        const double leadUs = random.bounded(10e6) - 5e6;
        const double sentUs = 1e12 + random.bounded(1e9);
        const double roundTripUs = random.bounded(i % 2 ? 3.0 : 3000.0);
        const double readUs = sentUs + random.bounded(1.0) * roundTripUs; // by the server
        const double answeredUs = sentUs + roundTripUs;
        double registeredUs = answeredUs + (i % 3 ? random.bounded(2000.0) : random.bounded(1e6));
        if (i % 4 == 0) // just past the start of one of the server's milliseconds
            registeredUs = std::ceil((registeredUs + leadUs) / 1000) * 1000 - leadUs + random.bounded(2.0);
        const double addedUs = registeredUs + (i % 5 ? random.bounded(2000.0) : 0.0);
        const ServerClockBound serverClock(qint64(std::floor(readUs + leadUs)), qint64(std::floor(answeredUs)));
        const QByteArray start = serverClock.streamIdBefore(qint64(std::floor(registeredUs)));
        const qint64 addedMs = qint64(std::floor((addedUs + leadUs) / 1000));
        const QByteArray firstIdOfThatMs = QByteArray::number(addedMs) + "-0";
        if (!streamIdLess(start, firstIdOfThatMs))
            QFAIL(qPrintable(QStringLiteral("case %1: start %2 skips %3")
                                     .arg(i)
                                     .arg(QString::fromLatin1(start), QString::fromLatin1(firstIdOfThatMs))));
        // Nor does it start much earlier: what came more than the round trip and a
        // millisecond or two before is not read.
        quint64 startMs = 0, startSequence = 0;
        QVERIFY(parseStreamId(start, &startMs, &startSequence));
        const qint64 registeredMs = qint64(std::floor((registeredUs + leadUs - roundTripUs - 3) / 1000));
        if (qint64(startMs) < registeredMs - 1)
            QFAIL(qPrintable(QStringLiteral("case %1: start %2, %3 ms early")
                                     .arg(i)
                                     .arg(QString::fromLatin1(start))
                                     .arg(registeredMs - qint64(startMs))));
    }
}

// While Redis is down a broadcaster queues up to queueLimit(); beyond it sends fail,
// after one send timeout and then at once. What was accepted arrives, in order, once
// Redis is back; what was refused never does.
void tst_Network::fullQueueWhileRedisIsDownRefusesAndKeepsWhatItAccepted()
{
    const QString channel = randomName(QStringLiteral("full-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
    XDBroadcaster broadcaster(XDTransport::Network);
    QSignalSpy states(&broadcaster, &XDBroadcaster::networkStateChanged);
    broadcaster.setQueueLimit(4096);
    broadcaster.setSendTimeout(200);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("before")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);

    m_redis->kill();
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Disconnected, 10000);
    QTRY_VERIFY(!states.isEmpty() && states.last().at(0).value<XDNetworkState>() == XDNetworkState::Disconnected);
    QVERIFY2(states.last().at(1).toString().contains(QStringLiteral("Redis at")),
             qPrintable(states.last().at(1).toString()));
    int accepted = 0;
    XDSendResult refused;
    while (refused.isOk() && accepted < 1000) {
        refused = broadcaster.sendToChannel(channel, QStringLiteral("queued:%1").arg(accepted));
        if (refused)
            ++accepted;
    }
    QVERIFY2(accepted > 10 && accepted < 1000, qPrintable(QString::number(accepted)));
    QCOMPARE(refused.error(), XDError::ListenerNotReading);
    QVERIFY(!refused.propagatedToNetwork());
    QVERIFY2(refused.errorString().contains(QStringLiteral("not propagated")), qPrintable(refused.errorString()));
    QElapsedTimer elapsed;
    elapsed.start();
    QVERIFY(!broadcaster.sendToChannel(channel, QStringLiteral("refused at once")));
    QVERIFY2(elapsed.elapsed() < 150, qPrintable(QString::number(elapsed.elapsed())));

    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1 + accepted, 15000);
    QTest::qWait(1500); // the retention re-adds "before" too: it must not come again
    QCOMPARE(received.size(), 1 + accepted);
    for (int i = 0; i < accepted; ++i)
        QCOMPARE(received.at(1 + i).at(0).value<XDMessage>().text(), QStringLiteral("queued:%1").arg(i));
    QCOMPARE(broadcaster.networkState(), XDNetworkState::Connected);
}

void tst_Network::rightPasswordWorksWrongPasswordIsAClearError()
{
    const QString password = randomName(QStringLiteral("pw-"));
    m_redis = std::make_unique<RedisServer>(password);
    QVERIFY2(m_redis->start(), qPrintable(m_redis->errorString()));
    const QString channel = randomName(QStringLiteral("auth-"));

    // By host name, which the library resolves without blocking.
    XDNetworkSettings::setRedisUrl(
            m_redis->url(password).replace(QStringLiteral("127.0.0.1"), QStringLiteral("localhost")));
    {
        XDListener listener(XDTransport::Network);
        QSignalSpy received(&listener, &XDListener::messageReceived);
        QVERIFY(listener.registerChannel(channel));
        QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
        XDBroadcaster broadcaster(XDTransport::Network);
        const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("secret handshake"));
        QVERIFY2(result, qPrintable(result.errorString()));
        QVERIFY(result.propagatedToNetwork());
        QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
        QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("secret handshake"));
        QCOMPARE(received.at(0).at(0).value<XDMessage>().transport(), XDTransport::Network);
    }

    XDNetworkSettings::setRedisUrl(m_redis->url(QStringLiteral("wrong")));
    XDListener listener(XDTransport::Network);
    QSignalSpy states(&listener, &XDListener::networkStateChanged);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Disconnected, 10000);
    QVERIFY2(listener.errorString().contains(QStringLiteral("WRONGPASS")), qPrintable(listener.errorString()));
    XDBroadcaster broadcaster(XDTransport::Network);
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("let me in"));
    QVERIFY(!result);
    QCOMPARE(result.error(), XDError::TransportUnavailable);
    QVERIFY2(result.errorString().contains(QStringLiteral("WRONGPASS")), qPrintable(result.errorString()));
    QVERIFY(!result.propagatedToNetwork());
}

// Another Redis client writes garbage onto the channel's stream (and publishes on its
// name): every bad entry is dropped and logged, the good message after it arrives.
void tst_Network::garbageOnTheStreamIsDroppedAndLogged()
{
    const QString channel = randomName(QStringLiteral("garbage-"));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    XDListener listener(XDTransport::Network);
    listener.setMaximumMessageSize(100);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);

    using namespace XDMessagingPrivate;
    FrameMeta meta;
    meta.payloadType = 1;
    meta.publisher = 0xabc;
    meta.sequence = 1;
    const EncodedFrame otherChannel = encodeFrame(meta, "another-channel", "intruder", "hello");
    const EncodedFrame valid = encodeFrame(meta, channel.toUtf8(), "intruder", "hello");
    const EncodedFrame oversized = encodeFrame(meta, channel.toUtf8(), "intruder", QByteArray(101, 'x'));
    const QByteArray xadd[] = {
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("frame"),
                          QStringLiteral("garbage")}),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("other"),
                          QStringLiteral("field")}),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("frame")},
                         otherChannel.head + otherChannel.payload),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("frame")},
                         QByteArray(valid.head + valid.payload).chopped(2)),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("frame"),
                          QStringLiteral("x"), QStringLiteral("frame"), QStringLiteral("y")}),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("frame")},
                         oversized.head + oversized.payload),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("sequence"),
                          QStringLiteral("ABC:1"), QStringLiteral("frame")},
                         valid.head + valid.payload),
            m_redis->cli({QStringLiteral("XADD"), key, QStringLiteral("*"), QStringLiteral("sequence"),
                          QStringLiteral("ab:0"), QStringLiteral("frame")},
                         valid.head + valid.payload),
    };
    for (const QByteArray &reply : xadd)
        QVERIFY2(reply.contains('-') && !reply.contains("ERR"), reply.constData());
    m_redis->cli({QStringLiteral("PUBLISH"), key, QStringLiteral("garbage")});

    XDBroadcaster broadcaster(XDTransport::Network);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("still listening")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("still listening"));
    QCOMPARE(received.at(0).at(0).value<XDMessage>().senderName(), QCoreApplication::applicationName());
    const QStringList dropped = LibraryWarnings::captured().filter(QStringLiteral("dropping entry"));
    QVERIFY2(dropped.size() == 8, qPrintable(LibraryWarnings::captured().join(u'\n')));
    QTest::qWait(200);
    QCOMPARE(received.size(), 1);
    reportReliability(
            QStringLiteral("network"),
            QStringLiteral("8 malformed entries (garbage, foreign fields, wrong channel, truncated, oversized, "
                           "bad sequence) and a PUBLISH on a channel's key"),
            QStringLiteral("each dropped and logged; the listener kept serving"));
}

// A listener that falls further behind than its channel's stream holds misses what Redis
// trimmed (MAXLEN), and is told exactly how much: every message sent is either
// delivered, in order, or counted in messagesLost(). The trim is done here by hand, as
// XADD MAXLEN would do it, while the listener's event loop does not run.
// A slot of messagesLost() deletes the listener (under AddressSanitizer in CI): the
// transport is not in the middle of a read when it goes.
void tst_Network::listenerDeletedWhenToldOfALoss()
{
    const QString channel = randomName(QStringLiteral("deleted-"));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    QPointer<XDListener> listener = new XDListener(XDTransport::Network);
    QSignalSpy received(listener.data(), &XDListener::messageReceived);
    connect(listener, &XDListener::messagesLost, listener, [&] { delete listener; });
    QVERIFY(listener->registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener->networkState(), XDNetworkState::Connected, 10000);
    XDBroadcaster broadcaster(XDTransport::Network);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("seen")).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
    for (int i = 0; i < 30; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    m_redis->cli({QStringLiteral("XTRIM"), key, QStringLiteral("MAXLEN"), QStringLiteral("0")});
    for (int i = 0; i < 10; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("after %1").arg(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    QTRY_VERIFY_WITH_TIMEOUT(listener.isNull(), 10000);
    QTest::qWait(300); // the transport's next read, had it outlived its listener
}

void tst_Network::listenerTooFarBehindIsToldHowManyItMissed()
{
    constexpr int Before = 50;
    constexpr int After = 20;
    const QString channel = randomName(QStringLiteral("behind-"));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QSignalSpy lost(&listener, &XDListener::messagesLost);
    QSignalSpy errors(&listener, &XDListener::errorOccurred);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);

    XDBroadcaster broadcaster(XDTransport::Network);
    // The listener has seen this sender once: a gap in its numbers is a loss from here on.
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("0")).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
    for (int i = 1; i < Before; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));
    QCOMPARE(m_redis->cli({QStringLiteral("XTRIM"), key, QStringLiteral("MAXLEN"), QStringLiteral("0")}).trimmed(),
             QByteArray::number(Before));
    for (int i = Before; i < Before + After; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)).propagatedToNetwork());
    QVERIFY(broadcaster.flush(10000));

    const auto reportedLost = [&] {
        qint64 sum = 0;
        for (const QList<QVariant> &signal : lost)
            sum += signal.at(1).toLongLong();
        return sum;
    };
    QTRY_COMPARE_WITH_TIMEOUT(received.size() + reportedLost(), qint64(Before + After), 10000);
    const qint64 lostCount = reportedLost();
    // What the listener had read before the trim comes first, then the gap, then the rest.
    const qint64 readBeforeTrim = received.size() - After;
    QVERIFY(lostCount > 0);
    QCOMPARE(lostCount, Before - readBeforeTrim);
    for (int i = 0; i < received.size(); ++i) {
        const int expected = i < readBeforeTrim ? i : int(i + lostCount);
        QCOMPARE(received.at(i).at(0).value<XDMessage>().text(), QString::number(expected));
    }
    QCOMPARE(lost.at(0).at(0).toString(), channel);
    QVERIFY(!errors.isEmpty());
    QCOMPARE(errors.last().at(0).value<XDError>(), XDError::MessagesLost);
    QVERIFY2(errors.last().at(1).toString().contains(QStringLiteral("missed %1 messages").arg(lostCount)),
             qPrintable(errors.last().at(1).toString()));
    QCOMPARE(listener.networkState(), XDNetworkState::Connected);
    reportReliability(
            QStringLiteral("network"),
            QStringLiteral("a listener's stream trimmed past what it had read (%1 messages)").arg(Before + After),
            QStringLiteral("%1 delivered in order, the %2 trimmed reported exactly (messagesLost); still "
                           "connected")
                    .arg(received.size())
                    .arg(lostCount));
}

// Another client turns one channel's key into a string: the listener's other channel
// keeps working (one bad key would otherwise fail every XREAD).
void tst_Network::aKeyThatIsNoStreamDoesNotStopTheOtherChannels()
{
    const QString good = randomName(QStringLiteral("good-"));
    const QString spoiled = randomName(QStringLiteral("spoiled-"));
    QVERIFY(m_redis->cli({QStringLiteral("SET"), m_namespace + QStringLiteral(":channel:") + spoiled,
                          QStringLiteral("x")})
                    .contains("OK"));
    XDListener listener(XDTransport::Network);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(good));
    QVERIFY(listener.registerChannel(spoiled));
    XDBroadcaster broadcaster(XDTransport::Network);
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
    QVERIFY(broadcaster.sendToChannel(good, QStringLiteral("through")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 10000);
    QVERIFY2(!LibraryWarnings::captured().filter(QStringLiteral("not a stream")).isEmpty(),
             qPrintable(LibraryWarnings::captured().join(u'\n')));
}

// One machine, a listener in Auto (local socket and Redis) and a propagating
// broadcaster: the message travels both ways (one local listener reached, one stream
// entry) and is delivered once.
void tst_Network::messageArrivingLocallyAndThroughRedisIsDeliveredOnce()
{
    const QString channel = randomName(QStringLiteral("twice-"));
    XDListener listener;
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(channel));
    QCOMPARE(listener.activeTransports(), (QList<XDTransport> {XDTransport::LocalSocket, XDTransport::Network}));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);

    XDBroadcaster broadcaster;
    broadcaster.setPropagateToNetwork(true);
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("once"));
    QVERIFY2(result, qPrintable(result.errorString()));
    QCOMPARE(result.listenersReached(), 1);
    QVERIFY(result.propagatedToNetwork());
    QVERIFY(broadcaster.flush(5000));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    QCOMPARE(m_redis->cli({QStringLiteral("XLEN"), key}).trimmed(), QByteArray("1"));
    // Whichever copy comes first is delivered; the other must not be. Give the second
    // copy more than the read block timeout to show up.
    QTRY_COMPARE(received.size(), 1);
    QTest::qWait(1500);
    QCOMPARE(received.size(), 1);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("once"));
}

void tst_Network::propagatedStreamIsDeliveredExactlyOnce_data()
{
    QTest::addColumn<int>("redisStoppedMs");
    QTest::newRow("Redis up") << 0;
    QTest::newRow("Redis stopped for 12 s in the middle") << 12000;
}

// An Auto listener that also listens on Redis gets every message of a propagating sender
// twice, locally and through Redis, long after (more than any window of ids would hold):
// each is delivered once. A marker sent through Redis alone, after the sender is done,
// comes after every Redis copy: when it arrives, all of them have been read.
void tst_Network::propagatedStreamIsDeliveredExactlyOnce()
{
    QFETCH(int, redisStoppedMs);
    constexpr int Count = 100000;
    const QString channel = randomName(QStringLiteral("once-"));
    const QString key = m_namespace + QStringLiteral(":channel:") + channel;
    PeerProcess *listener = startPeer(m_machineA->path(), {QStringLiteral("count"), channel, QStringLiteral("1"),
                                                           QString::number(Count), QStringLiteral("--until-marker")});
    QVERIFY(listener->waitForReady());
    PeerProcess *sender = startPeer(m_machineA->path(), {QStringLiteral("propagate"), channel, QString::number(Count),
                                                         QStringLiteral("p"), QStringLiteral("0")});
    if (redisStoppedMs > 0) {
        QTRY_VERIFY_WITH_TIMEOUT(m_redis->cli({QStringLiteral("XLEN"), key}).trimmed().toInt() >= Count / 5, 60000);
        const pid_t redis = pid_t(m_redis->pid());
        QCOMPARE(::kill(redis, SIGSTOP), 0);
        const auto resume = qScopeGuard([redis] { ::kill(redis, SIGCONT); });
        QTest::qWait(redisStoppedMs);
    }
    QVERIFY(sender->waitForFinished(120000));
    QCOMPARE(sender->lineStartingWith(QStringLiteral("SENT ")), QStringLiteral("SENT %1 0 %1").arg(Count));
    QTRY_VERIFY_WITH_TIMEOUT(!listener->lineStartingWith(QStringLiteral("DONE ")).isEmpty(), 60000);

    XDBroadcaster marker(XDTransport::Network);
    QVERIFY(marker.sendToChannel(channel, QStringLiteral("marker")).propagatedToNetwork());
    QVERIFY(marker.flush(30000));
    QVERIFY(listener->waitForFinished(60000));
    QCOMPARE(listener->lineStartingWith(QStringLiteral("FINAL ")), QStringLiteral("FINAL %1 0 0").arg(Count));
    QCOMPARE(listener->lineStartingWith(QStringLiteral("LOST ")), QString());
    reportReliability(QStringLiteral("network"),
                      redisStoppedMs == 0
                              ? QStringLiteral("%1 messages propagated to an Auto listener that also listens on "
                                               "Redis (every message arrives twice)")
                                        .arg(Count)
                              : QStringLiteral("the same, with redis-server SIGSTOPped for %1 s in the middle")
                                        .arg(redisStoppedMs / 1000),
                      QStringLiteral("each delivered exactly once, in order; no loss reported"));
}

// Appends to *disagreements each networkStateChanged() of watched (an XDListener or an
// XDBroadcaster) whose state its networkState() does not show.
template<typename Watched>
void noteStatesShownUntold(Watched *watched, const QString &name, QStringList *disagreements)
{
    QObject::connect(watched, &Watched::networkStateChanged, watched, [=](XDNetworkState state) {
        if (watched->networkState() != state)
            disagreements->append(QStringLiteral("%1: told %2, shows %3")
                                          .arg(name)
                                          .arg(int(state))
                                          .arg(int(watched->networkState())));
    });
}

// networkState() is what the last networkStateChanged() told: a state the connection is
// already in, whose signal is still queued, does not show before it is told.
void tst_Network::networkStateChangesWithItsSignal()
{
    const QString channel = randomName(QStringLiteral("state-"));
    XDListener listener(XDTransport::Network);
    QVERIFY(listener.registerChannel(channel));
    XDBroadcaster broadcaster(XDTransport::Network); // connects with its first send
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("hello")).propagatedToNetwork());
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Connected, 10000);
    QStringList disagreements;
    noteStatesShownUntold(&listener, QStringLiteral("listener"), &disagreements);
    noteStatesShownUntold(&broadcaster, QStringLiteral("broadcaster"), &disagreements);

    m_redis->kill();
    // The broadcaster's connection has a thread of its own, which sees Redis go at once;
    // with no event loop running here, nothing is told, so nothing changes.
    QThread::msleep(1000);
    QCOMPARE(broadcaster.networkState(), XDNetworkState::Connected);
    QCOMPARE(listener.networkState(), XDNetworkState::Connected);
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Disconnected, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Disconnected, 10000);
    QVERIFY2(m_redis->restart(), qPrintable(m_redis->errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.networkState(), XDNetworkState::Connected, 30000);
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Connected, 30000);
    QCOMPARE(disagreements, QStringList());
}

// Redis not there at start: a network broadcaster says why; a propagating one still
// delivers locally and reports the network part; a network listener reports it too.
void tst_Network::unreachableRedisIsReportedAndLocalDeliveryGoesOn()
{
    m_redis->kill(); // its port is now free, nothing listens there
    const QString channel = randomName(QStringLiteral("down-"));

    XDBroadcaster networkOnly(XDTransport::Network);
    const XDSendResult refused = networkOnly.sendToChannel(channel, QStringLiteral("nobody home"));
    QCOMPARE(refused.error(), XDError::TransportUnavailable);
    QVERIFY2(refused.errorString().contains(QStringLiteral("Connection refused")), qPrintable(refused.errorString()));
    // The state the refused send saw is told through the event loop.
    QTRY_COMPARE(networkOnly.networkState(), XDNetworkState::Disconnected);

    XDListener local(XDTransport::LocalSocket);
    QSignalSpy received(&local, &XDListener::messageReceived);
    QVERIFY(local.registerChannel(channel));
    XDBroadcaster propagating;
    propagating.setPropagateToNetwork(true);
    const XDSendResult partial = propagating.sendToChannel(channel, QStringLiteral("local still works"));
    QCOMPARE(partial.listenersReached(), 1);
    QVERIFY(!partial.propagatedToNetwork());
    QCOMPARE(partial.error(), XDError::TransportUnavailable);
    QVERIFY2(partial.failures().join(u' ').contains(QStringLiteral("not propagated")),
             qPrintable(partial.errorString()));
    QTRY_COMPARE(received.size(), 1);

    XDListener networkListener(XDTransport::Network);
    QSignalSpy errors(&networkListener, &XDListener::errorOccurred);
    QVERIFY(networkListener.registerChannel(channel));
    QTRY_COMPARE_WITH_TIMEOUT(networkListener.networkState(), XDNetworkState::Disconnected, 10000);
    // The state is set at once, and errorOccurred() comes through the listener's event
    // queue: a loaded machine can show the one before the other.
    QTRY_VERIFY(!errors.isEmpty());
    QVERIFY2(networkListener.errorString().contains(QStringLiteral("Connection refused")),
             qPrintable(networkListener.errorString()));
}

// The name is looked up on a thread of its own; what it says comes back as the error.
void tst_Network::unresolvableHostNameIsAClearError()
{
    XDNetworkSettings::setRedisUrl(QStringLiteral("redis://no-such-host.invalid:6379"));
    XDBroadcaster broadcaster(XDTransport::Network);
    const XDSendResult refused = broadcaster.sendToChannel(randomName(QStringLiteral("nowhere-")), QStringLiteral("x"));
    QCOMPARE(refused.error(), XDError::TransportUnavailable);
    QVERIFY2(refused.errorString().contains(QStringLiteral("no-such-host.invalid")), qPrintable(refused.errorString()));

    XDListener listener(XDTransport::Network);
    QVERIFY(listener.registerChannel(randomName(QStringLiteral("nowhere-"))));
    QTRY_COMPARE_WITH_TIMEOUT(listener.networkState(), XDNetworkState::Disconnected, 10000);
    QVERIFY2(listener.errorString().contains(QStringLiteral("no-such-host.invalid")),
             qPrintable(listener.errorString()));
}

void tst_Network::autoListensOnTheNetworkOnlyWhenConfigured()
{
    const QString channel = randomName(QStringLiteral("auto-"));
    {
        XDListener listener;
        QVERIFY(listener.registerChannel(channel));
        QVERIFY(listener.activeTransports().contains(XDTransport::Network));
        XDBroadcaster broadcaster;
        QVERIFY(!broadcaster.propagateToNetwork());
        QCOMPARE(broadcaster.networkState(), XDNetworkState::Off);
        const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("local"));
        QVERIFY(!result.propagatedToNetwork());
    }
    qunsetenv("XDMESSAGING_REDIS_URL");
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QCOMPARE(listener.activeTransports(), QList<XDTransport> {XDTransport::LocalSocket});
    QCOMPARE(listener.networkState(), XDNetworkState::Off);
    XDBroadcaster broadcaster;
    broadcaster.setPropagateToNetwork(true);
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("local only"));
    QCOMPARE(result.listenersReached(), 1);
    QVERIFY2(result.errorString().contains(QStringLiteral("XDMESSAGING_REDIS_URL")), qPrintable(result.errorString()));
}

// Ready is the moment to send: not before the connection is up, and what is sent from
// then on arrives, without any sleep. A lost connection makes it unready until Redis
// is back and the channel confirmed again.
void tst_Network::readyOnceRedisConfirmedTheChannel()
{
    const QString channel = randomName(QStringLiteral("ready-"));
    XDListener listener(XDTransport::Network);
    QSignalSpy readyChanged(&listener, &XDListener::readyChanged);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(!listener.isReady());
    QVERIFY(listener.registerChannel(channel));
    QVERIFY(!listener.isReady()); // Redis has confirmed nothing yet
    QTRY_VERIFY_WITH_TIMEOUT(listener.isReady(), 10000);
    QCOMPARE(readyChanged.count(), 1);
    XDBroadcaster sender(XDTransport::Network);
    QVERIFY(sender.sendToChannel(channel, QStringLiteral("sent once ready")).isOk());
    QTRY_COMPARE_WITH_TIMEOUT(received.count(), 1, 10000);

    m_redis->kill();
    QTRY_VERIFY_WITH_TIMEOUT(!listener.isReady(), 10000);
    QCOMPARE(readyChanged.count(), 2);
    QVERIFY(m_redis->restart());
    QTRY_VERIFY_WITH_TIMEOUT(listener.isReady(), 20000);
    QCOMPARE(readyChanged.count(), 3);
    QVERIFY(listener.unregisterChannel(channel));
    QVERIFY(!listener.isReady()); // no channel: nothing to be ready for
    QCOMPARE(readyChanged.count(), 4);
}

// A request through Redis reaches a listener on the other machine, whose reply comes back
// through Redis to the asker alone. Network listeners cannot be counted: the request
// takes replies until its timeout.
void tst_Network::requestAndReplyAcrossMachines()
{
    const QString channel = randomName(QStringLiteral("ask-"));
    PeerProcess *replier = startPeer(m_machineB->path(), {QStringLiteral("interactive"), QStringLiteral("far")});
    QVERIFY(replier->waitForReady());
    replier->writeLine("register " + channel.toUtf8());
    replier->writeLine("answer from machine B");
    QVERIFY(replier->waitForLineStartingWith(QStringLiteral("LIVE"), 10000));
    QVERIFY(replier->waitForLineStartingWith(QStringLiteral("DONE answer"), 10000));

    XDBroadcaster broadcaster(XDTransport::Network);
    XDRequest *request = broadcaster.request(channel, QStringLiteral("anyone out there?"), 2000);
    QVERIFY(request->sendResult().propagatedToNetwork());
    QSignalSpy replies(request, &XDRequest::replyReceived);
    QTRY_VERIFY_WITH_TIMEOUT(request->isFinished(), 15000);
    QCOMPARE(replies.count(), 1);
    const XDMessage reply = request->replies().constFirst();
    QCOMPARE(reply.text(), QStringLiteral("from machine B"));
    QCOMPARE(reply.transport(), XDTransport::Network);
    QCOMPARE(reply.senderPid(), replier->pid());
    QCOMPARE(request->answered(), 1);
    QVERIFY(replier->waitForLineStartingWith(QStringLiteral("REQUEST anyone out there?"), 5000));
    delete request;

    // The same broadcaster asks again: its inbox, already read, gets each later reply once.
    for (int i = 0; i < 3; ++i) {
        std::unique_ptr<XDRequest> again(broadcaster.request(channel, QStringLiteral("again %1").arg(i), 5000));
        QTRY_VERIFY_WITH_TIMEOUT(again->isFinished(), 15000);
        QCOMPARE(again->answered(), 1);
        QCOMPARE(again->replies().size(), 1);
    }
}

// Set on one machine, kept in Redis: a listener on the other machine registering later
// gets it first, then live traffic; once cleared, a later listener gets nothing.
void tst_Network::retainedValueThroughRedis()
{
    const QString channel = randomName(QStringLiteral("kept-"));
    XDBroadcaster broadcaster(XDTransport::Network);
    QVERIFY(broadcaster.sendRetained(channel, QStringLiteral("kept in redis")).isOk());
    QVERIFY(broadcaster.flush(10000));

    PeerProcess *late = startPeer(m_machineB->path(), {QStringLiteral("interactive")});
    QVERIFY(late->waitForReady());
    late->writeLine("register " + channel.toUtf8());
    QVERIFY(late->waitForLineStartingWith(QStringLiteral("RETAINED ") + channel + QStringLiteral(" kept in redis"),
                                          10000));
    QVERIFY(late->waitForLineStartingWith(QStringLiteral("LIVE"), 10000));
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("after")).isOk());
    QTRY_COMPARE_WITH_TIMEOUT(late->messages().size(), 2, 10000);
    QVERIFY(late->messages().at(1).endsWith(QStringLiteral(" after")));
    QCOMPARE(late->linesStartingWith(QStringLiteral("RETAINED ")).size(), 1);

    QVERIFY(broadcaster.sendRetained(channel, QString()).isOk()); // clears it
    QVERIFY(broadcaster.flush(10000));
    PeerProcess *later = startPeer(m_machineB->path(), {QStringLiteral("interactive")});
    QVERIFY(later->waitForReady());
    later->writeLine("register " + channel.toUtf8());
    QVERIFY(later->waitForLineStartingWith(QStringLiteral("LIVE"), 10000));
    QTest::qWait(300);
    QCOMPARE(later->linesStartingWith(QStringLiteral("RETAINED ")), QStringList());
}

// A listener on the other machine joins and leaves as on the local transports: each step
// one signal; a killed one is noticed once its presence key expired.
void tst_Network::presenceAcrossMachines()
{
    const QString channel = randomName(QStringLiteral("here-"));
    XDPresence presence(channel, XDTransport::Network);
    QCOMPARE(presence.error(), XDError::NoError);
    QStringList log;
    connect(&presence, &XDPresence::listenerJoined, &presence,
            [&log](const XDListenerInfo &info) { log.append(QStringLiteral("JOIN ") + info.name()); });
    connect(&presence, &XDPresence::listenerLeft, &presence,
            [&log](const XDListenerInfo &info, XDPresence::Departure how) {
                log.append(QStringLiteral("LEAVE %1 %2")
                                   .arg(info.name(),
                                        QLatin1StringView(how == XDPresence::Vanished ? "vanished" : "left")));
            });
    const auto command = [](PeerProcess *peer, const QByteArray &line) {
        peer->writeLine(line);
        return peer->waitForLineStartingWith(QStringLiteral("DONE ") + QString::fromUtf8(line), 10000);
    };
    PeerProcess *first = startPeer(m_machineB->path(), {QStringLiteral("interactive"), QStringLiteral("first")});
    QVERIFY(first->waitForReady());
    QVERIFY(command(first, "register " + channel.toUtf8()));
    QTRY_COMPARE_WITH_TIMEOUT(log, QStringList {QStringLiteral("JOIN first")}, 5000);
    QVERIFY(command(first, "unregister " + channel.toUtf8()));
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 2, 5000);
    QCOMPARE(log.at(1), QStringLiteral("LEAVE first left"));
    QVERIFY(command(first, "register " + channel.toUtf8()));
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 3, 5000);
    first->writeLine("quit");
    QVERIFY(first->waitForFinished(10000));
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 4, 5000);
    QCOMPARE(log.at(3), QStringLiteral("LEAVE first left"));

    PeerProcess *second = startPeer(m_machineB->path(), {QStringLiteral("interactive"), QStringLiteral("second")});
    QVERIFY(second->waitForReady());
    QVERIFY(command(second, "register " + channel.toUtf8()));
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 5, 5000);
    QCOMPARE(presence.listeners().value(0).pid(), second->pid());
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(second->pid()), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 6, 10000);
    QCOMPARE(log.at(5), QStringLiteral("LEAVE second vanished"));
    qInfo("a killed listener was noticed %lld ms later", timer.elapsed());
    QTest::qWait(1500);
    QCOMPARE(log.size(), 6);
}

// On the same machine in Auto, a listener is seen locally and through Redis: one join,
// and its death, seen locally at once, is one leave; its Redis key, still there until it
// expires, brings it back to nobody.
void tst_Network::presenceOfAListenerReachableBothWays()
{
    const QString channel = randomName(QStringLiteral("both-"));
    XDPresence presence(channel);
    QStringList log;
    connect(&presence, &XDPresence::listenerJoined, &presence, [&log](const XDListenerInfo &info) {
        log.append(QStringLiteral("JOIN %1").arg(info.transports().size()));
    });
    connect(&presence, &XDPresence::listenerLeft, &presence, [&log](const XDListenerInfo &, XDPresence::Departure how) {
        log.append(how == XDPresence::Vanished ? QStringLiteral("VANISHED") : QStringLiteral("LEFT"));
    });
    PeerProcess *peer = startPeer(m_machineA->path(), {QStringLiteral("interactive")});
    QVERIFY(peer->waitForReady());
    peer->writeLine("register " + channel.toUtf8());
    QVERIFY(peer->waitForLineStartingWith(QStringLiteral("LIVE"), 10000));
    QTest::qWait(2500); // long enough for the network's watcher to have seen it too
    QCOMPARE(log, QStringList {QStringLiteral("JOIN 2")}); // local socket and network
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(peer->pid()), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(log.size(), 2, 2000);
    QCOMPARE(log.at(1), QStringLiteral("VANISHED"));
    QTest::qWait(XDMessagingPrivate::PresenceExpiryMs + 2 * XDMessagingPrivate::PresenceScanMs);
    QCOMPARE(log.size(), 2);
}

QTEST_GUILESS_MAIN(tst_Network)
#include "tst_network.moc"
