// SPDX-License-Identifier: MIT
// Real processes talking through the local-socket transport: counts, order, duplicates,
// and listeners that die or stop reading.
#include "peerprocess.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <csignal>

namespace {

QString randomChannel()
{
    return QStringLiteral("mp-") + QUuid::createUuid().toString(QUuid::Id128);
}

// Checks "MSG <channel> <pid> <tag>:<n>" lines: for each tag, n runs 0..count-1 in order.
QString checkSequences(const QStringList &messages, const QStringList &tags, int count)
{
    QHash<QString, int> next;
    for (const QString &line : messages) {
        const QString body = line.section(QLatin1Char(' '), 3);
        const QString tag = body.section(QLatin1Char(':'), 0, 0);
        const int n = body.section(QLatin1Char(':'), 1).toInt();
        if (n != next.value(tag))
            return QStringLiteral("tag %1: got %2, expected %3 (lost, reordered or duplicated)")
                    .arg(tag).arg(n).arg(next.value(tag));
        next[tag] = n + 1;
    }
    for (const QString &tag : tags) {
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
    void stoppedListenerDoesNotHoldTheSender();

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
    m_peers.push_back(std::make_unique<PeerProcess>(m_runtimeDir->path(), QStringList {QStringLiteral("listen")} + channels));
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
    QStringList tags;
    QList<PeerProcess *> senders;
    for (int i = 0; i < Senders; ++i) {
        tags.append(QStringLiteral("s%1").arg(i));
        m_peers.push_back(std::make_unique<PeerProcess>(
                m_runtimeDir->path(), QStringList {QStringLiteral("send"), channel, QString::number(PerSender), tags.last()}));
        senders.append(m_peers.back().get());
    }
    // Wait in the event loop: the listeners' output must keep draining meanwhile, or
    // they would block on a full pipe and stop reading.
    for (PeerProcess *sender : std::as_const(senders)) {
        QTRY_COMPARE_WITH_TIMEOUT(sender->process().state(), QProcess::NotRunning, 60000);
        QCOMPARE(sender->process().exitCode(), 0);
        QCOMPARE(sender->lastLine(), QStringLiteral("SENT %1 0").arg(PerSender * Listeners));
    }
    for (PeerProcess *listener : std::as_const(listeners)) {
        QTRY_COMPARE_WITH_TIMEOUT(listener->messages().size(), Senders * PerSender, 60000);
        const QString problem = checkSequences(listener->messages(), tags, PerSender);
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
    QVERIFY(checkSequences(survivor->messages(), {QStringLiteral("k")}, 2).isEmpty());
    QCOMPARE(broadcaster.listeners().size(), 1);
}

void tst_MultiProcess::stoppedListenerDoesNotHoldTheSender()
{
    const QString channel = randomChannel();
    PeerProcess *stopped = startListener({channel});
    PeerProcess *live = startListener({channel});
    QVERIFY(stopped->waitForReady());
    QVERIFY(live->waitForReady());
    QCOMPARE(::kill(pid_t(stopped->pid()), SIGSTOP), 0);

    constexpr int Count = 20000;
    constexpr int SendTimeoutMs = 1000;
    XDBroadcaster broadcaster;
    broadcaster.setSendTimeout(SendTimeoutMs);
    broadcaster.setQueueLimit(256 * 1024);
    const QString filler(1000, QLatin1Char('f'));
    const QString stoppedPid = QStringLiteral("pid %1").arg(stopped->pid());
    int acceptedByStopped = 0;
    int failuresNamingStopped = 0;
    int unexpected = 0;
    qint64 longestCallMs = 0;
    QElapsedTimer whole;
    whole.start();
    // Send from a thread while this one runs the event loop and drains the peers' output.
    QScopedPointer<QThread> sending(QThread::create([&] {
        for (int i = 0; i < Count; ++i) {
            QElapsedTimer call;
            call.start();
            const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("z:%1:").arg(i) + filler);
            longestCallMs = qMax(longestCallMs, call.elapsed());
            if (result.listenersReached() != 1 + (result.listenersFailed() == 0 ? 1 : 0))
                ++unexpected; // the live listener must always take the message
            if (result.listenersFailed() == 0) {
                ++acceptedByStopped;
            } else if (result.error() == XDError::ListenerNotReading
                       && result.failures().join(QString()).contains(stoppedPid)) {
                ++failuresNamingStopped;
            } else {
                ++unexpected;
            }
        }
    }));
    sending->start();
    QTRY_VERIFY_WITH_TIMEOUT(sending->isFinished(), 120000);
    const qint64 wholeMs = whole.elapsed();
    QCOMPARE(unexpected, 0);
    // The bound is the contract: one wait of at most the timeout, then failures at once.
    QVERIFY2(longestCallMs < SendTimeoutMs + 1500, qPrintable(QString::number(longestCallMs)));
    QVERIFY2(wholeMs < 4 * SendTimeoutMs + 20000, qPrintable(QString::number(wholeMs)));
    QVERIFY(failuresNamingStopped > 0);
    QVERIFY(acceptedByStopped > 0);

    // Everything reached the live listener, in order.
    QTRY_COMPARE_WITH_TIMEOUT(live->messages().size(), Count, 60000);
    // Once it runs again, the stopped one gets exactly what was accepted for it: the
    // rest was reported to the sender, so there is no silent gap.
    QCOMPARE(::kill(pid_t(stopped->pid()), SIGCONT), 0);
    QTRY_COMPARE_WITH_TIMEOUT(stopped->messages().size(), acceptedByStopped, 60000);
    QVERIFY(broadcaster.flush(10000));
}

QTEST_GUILESS_MAIN(tst_MultiProcess)
#include "tst_multiprocess.moc"
