// SPDX-License-Identifier: MIT
// Real processes talking through the local-socket transport: counts, order, duplicates,
// and a listener that dies; what a dying listener loses, counted exactly, on the local
// socket and on the native window. Other faults: tests/auto/reliability.
#include "peerprocess.h"
#include "reliabilityreport.h"
#include "xvfbserver.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

namespace {

QString randomChannel()
{
    return QStringLiteral("mp-") + QUuid::createUuid().toString(QUuid::Id128);
}

// Checks "MSG <channel> <pid> <tag>:<n>" lines: for each tag, n runs 0..count-1 in order,
// and every message names the process that sent that tag.
QString checkSequences(const QStringList &messages, const QHash<QString, qint64> &senderPidByTag, int count)
{
    QHash<QString, int> next;
    for (const QString &line : messages) {
        const QString body = line.section(QLatin1Char(' '), 3);
        const QString tag = body.section(QLatin1Char(':'), 0, 0);
        const int n = body.section(QLatin1Char(':'), 1).toInt();
        const qint64 pid = line.section(QLatin1Char(' '), 2, 2).toLongLong();
        if (pid != senderPidByTag.value(tag))
            return QStringLiteral("tag %1: sender pid %2, expected %3")
                    .arg(tag)
                    .arg(pid)
                    .arg(senderPidByTag.value(tag));
        if (n != next.value(tag))
            return QStringLiteral("tag %1: got %2, expected %3 (lost, reordered or duplicated)")
                    .arg(tag)
                    .arg(n)
                    .arg(next.value(tag));
        next[tag] = n + 1;
    }
    for (const QString &tag : senderPidByTag.keys()) {
        if (next.value(tag) != count)
            return QStringLiteral("tag %1: %2 of %3 messages").arg(tag).arg(next.value(tag)).arg(count);
    }
    return {};
}

qint64 totalLost(const QSignalSpy &deliveryFailed)
{
    qint64 lost = 0;
    for (const QList<QVariant> &report : deliveryFailed)
        lost += report.at(1).toInt();
    return lost;
}

} // namespace

class tst_MultiProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void manySendersManyListeners();
    void killedListenerIsCleanedUp();
    void killedListenerLosesExactlyWhatItHadNotTaken_data();
    void killedListenerLosesExactlyWhatItHadNotTaken();
    void listenerThatExitsAfterReadingLosesNothing_data();
    void listenerThatExitsAfterReadingLosesNothing();

private:
    PeerProcess *startListener(const QStringList &channels);
    // A testpeer run on one transport (its name as XDMESSAGING_TRANSPORT spells it); an
    // Xvfb of our own for the native window.
    PeerProcess *startPeer(const QString &transport, const QStringList &arguments);
    void addTransportRows();
    XvfbServer m_xvfb;
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
    std::vector<std::unique_ptr<PeerProcess>> m_peers; // ended by PID in cleanup()
};

void tst_MultiProcess::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
    qunsetenv("XDMESSAGING_TRANSPORT");
}

void tst_MultiProcess::cleanup()
{
    m_peers.clear();
}

PeerProcess *tst_MultiProcess::startListener(const QStringList &channels)
{
    m_peers.push_back(std::make_unique<PeerProcess>(QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(),
                                                    QStringList {QStringLiteral("listen")} + channels));
    return m_peers.back().get();
}

PeerProcess *tst_MultiProcess::startPeer(const QString &transport, const QStringList &arguments)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("XDMESSAGING_TRANSPORT"), transport);
    if (transport == u"native") {
        if (m_xvfb.display().isEmpty() && !m_xvfb.start())
            return nullptr;
        environment.insert(QStringLiteral("DISPLAY"), m_xvfb.display());
        qputenv("DISPLAY", m_xvfb.display().toLocal8Bit());
    }
    m_peers.push_back(
            std::make_unique<PeerProcess>(QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(), arguments, environment));
    return m_peers.back().get();
}

void tst_MultiProcess::addTransportRows()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("local socket") << QStringLiteral("localsocket");
    if (XvfbServer::isAvailable())
        QTest::newRow("native window") << QStringLiteral("native");
}

void tst_MultiProcess::killedListenerLosesExactlyWhatItHadNotTaken_data()
{
    QTest::addColumn<QString>("transport");
    QTest::addColumn<int>("unread");
    QTest::addColumn<int>("size"); // of each message; 0 for short ones
    QTest::newRow("local socket, 1000 unread") << QStringLiteral("localsocket") << 1000 << 0;
    // The ten it took are fewer than a local sender writes before it reads acknowledgements:
    // those are still unread when the listener dies, and must be read then.
    QTest::newRow("local socket, none unread") << QStringLiteral("localsocket") << 0 << 0;
    // Megabyte messages go through shared memory: some in it unread, the rest queued for
    // room in it.
    QTest::newRow("local socket, 20 large unread") << QStringLiteral("localsocket") << 20 << 1024 * 1024;
    QTest::newRow("local socket, large, none unread") << QStringLiteral("localsocket") << 0 << 1024 * 1024;
    if (XvfbServer::isAvailable()) {
        QTest::newRow("native window, 1000 unread") << QStringLiteral("native") << 1000 << 0;
        QTest::newRow("native window, none unread") << QStringLiteral("native") << 0 << 0;
    }
}

// A listener stopped (SIGSTOP) holds, unread, what it was sent: in its socket buffer, or
// in its inbox. Killed so, exactly that is reported lost; what it had taken before is not.
void tst_MultiProcess::killedListenerLosesExactlyWhatItHadNotTaken()
{
    QFETCH(QString, transport);
    QFETCH(int, unread);
    QFETCH(int, size);
    const auto text = [size](const QString &start) { return start.leftJustified(size, QLatin1Char('x')); };
    XDTransport kind;
    QVERIFY(xdParseTransportName(transport, &kind));
    const QString channel = randomChannel();
    PeerProcess *listener = startPeer(transport, {QStringLiteral("listen"), channel});
    QVERIFY2(listener, qPrintable(m_xvfb.errorString()));
    QVERIFY(listener->waitForReady());
    XDBroadcaster broadcaster(kind);
    QSignalSpy failed(&broadcaster, &XDBroadcaster::deliveryFailed);
    constexpr int Taken = 10;
    for (int i = 0; i < Taken; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, text(QStringLiteral("taken:%1").arg(i))));
    QTRY_COMPARE_WITH_TIMEOUT(listener->messages().size(), Taken, 10000);

    QTest::qWait(100); // the listener acknowledges right after its slots ran
    QCOMPARE(::kill(pid_t(listener->pid()), SIGSTOP), 0);
    for (int i = 0; i < unread; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, text(QStringLiteral("unread:%1").arg(i))).listenersReached(), 1);
    // Written in batches, all of it fits in the socket buffer (or the inbox). On a busy
    // machine the library thread may write messages one by one, and the kernel charges
    // each write more than its bytes: some then stay queued here, which counts the same.
    broadcaster.flush(3000);
    QCOMPARE(failed.size(), 0);
    if (unread > 0)
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("messages lost")));
    QCOMPARE(::kill(pid_t(listener->pid()), SIGKILL), 0);
    QVERIFY(listener->waitForFinished(10000));
    QTRY_COMPARE_WITH_TIMEOUT(totalLost(failed), qint64(unread), 10000);
    QTest::qWait(300); // and nothing more is reported
    QCOMPARE(totalLost(failed), qint64(unread));
    QCOMPARE(listener->messages().size(), Taken);
    if (unread == 0 || size > 0)
        return; // the reliability table has the row with short messages unread
    reportReliability(
            QStringLiteral("fault"),
            QStringLiteral("a listener (%1) stopped with 1,000 small messages unread, then killed").arg(transport),
            QStringLiteral("the sender reported exactly 1,000 lost (deliveryFailed), none of the 10 it "
                           "had taken"));
}

void tst_MultiProcess::listenerThatExitsAfterReadingLosesNothing_data()
{
    addTransportRows();
}

void tst_MultiProcess::listenerThatExitsAfterReadingLosesNothing()
{
    QFETCH(QString, transport);
    XDTransport kind;
    QVERIFY(xdParseTransportName(transport, &kind));
    const QString channel = randomChannel();
    constexpr int Count = 1000;
    // Exits by itself once it has all of them.
    PeerProcess *listener =
            startPeer(transport, {QStringLiteral("count"), channel, QStringLiteral("1"), QString::number(Count)});
    QVERIFY2(listener, qPrintable(m_xvfb.errorString()));
    QVERIFY(listener->waitForReady());
    XDBroadcaster broadcaster(kind);
    QSignalSpy failed(&broadcaster, &XDBroadcaster::deliveryFailed);
    for (int i = 0; i < Count; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("s:%1").arg(i)).listenersReached(), 1);
    QVERIFY(broadcaster.flush(10000));
    QVERIFY(listener->waitForFinished(30000));
    QCOMPARE(listener->process().exitCode(), 0);
    QVERIFY2(listener->lastLine().startsWith(QStringLiteral("DONE %1 0 0").arg(Count)),
             qPrintable(listener->lastLine()));
    QTest::qWait(500); // time for a wrong report to arrive
    QCOMPARE(failed.size(), 0);
}

void tst_MultiProcess::manySendersManyListeners()
{
    constexpr int Senders = 3;
    constexpr int Listeners = 3;
    constexpr int PerSender = 3000;
    const QString channel = randomChannel();
    QList<PeerProcess *> listeners;
    for (int i = 0; i < Listeners; ++i) {
        listeners.append(startListener({channel}));
        QVERIFY(listeners.last()->waitForReady());
    }
    QHash<QString, qint64> senderPidByTag;
    QList<PeerProcess *> senders;
    for (int i = 0; i < Senders; ++i) {
        const QString tag = QStringLiteral("s%1").arg(i);
        m_peers.push_back(std::make_unique<PeerProcess>(
                QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(),
                QStringList {QStringLiteral("send"), channel, QString::number(PerSender), tag}));
        senders.append(m_peers.back().get());
        QVERIFY(senders.last()->process().waitForStarted(10000));
        senderPidByTag.insert(tag, senders.last()->pid());
    }
    // Wait in the event loop: the listeners' output must keep draining meanwhile, or
    // they would block on a full pipe and stop reading.
    for (PeerProcess *sender : std::as_const(senders)) {
        QTRY_COMPARE_WITH_TIMEOUT(sender->process().state(), QProcess::NotRunning, 60000);
        QCOMPARE(sender->process().exitCode(), 0);
        QVERIFY2(sender->lastLine().startsWith(QStringLiteral("SENT %1 0 ").arg(PerSender * Listeners)),
                 qPrintable(sender->lastLine()));
    }
    for (PeerProcess *listener : std::as_const(listeners)) {
        QTRY_COMPARE_WITH_TIMEOUT(listener->messages().size(), Senders * PerSender, 60000);
        const QString problem = checkSequences(listener->messages(), senderPidByTag, PerSender);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

void tst_MultiProcess::killedListenerIsCleanedUp()
{
    const QString channel = randomChannel();
    PeerProcess *victim = startListener({channel});
    PeerProcess *survivor = startListener({channel});
    QVERIFY(victim->waitForReady());
    QVERIFY(survivor->waitForReady());
    const QDir runtime(m_runtimeDir->path());
    QCOMPARE(runtime.entryList({QStringLiteral("*.manifest")}, QDir::Files).size(), 2);

    victim->process().kill(); // SIGKILL: no chance to clean up
    QVERIFY(victim->waitForFinished(5000));
    QCOMPARE(runtime.entryList({QStringLiteral("*.sock")}, QDir::System).size(), 2);

    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("k:0"));
    QVERIFY2(result, qPrintable(result.errorString()));
    QCOMPARE(result.listenersReached(), 1);
    QCOMPARE(runtime.entryList({QStringLiteral("*.manifest")}, QDir::Files).size(), 1);
    QCOMPARE(runtime.entryList({QStringLiteral("*.sock")}, QDir::System).size(), 1);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("k:1")));
    QTRY_COMPARE_WITH_TIMEOUT(survivor->messages().size(), 2, 10000);
    const QString problem =
            checkSequences(survivor->messages(), {{QStringLiteral("k"), QCoreApplication::applicationPid()}}, 2);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QCOMPARE(broadcaster.listeners().size(), 1);
}

QTEST_GUILESS_MAIN(tst_MultiProcess)
#include "tst_multiprocess.moc"
