// SPDX-License-Identifier: MIT
// Real processes talking through the local-socket transport: counts, order, duplicates,
// and a listener that dies. Stopped listeners and other faults: tests/auto/reliability.
#include "peerprocess.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

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

} // namespace

class tst_MultiProcess : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void manySendersManyListeners();
    void killedListenerIsCleanedUp();

private:
    PeerProcess *startListener(const QStringList &channels);
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
