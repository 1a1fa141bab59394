// SPDX-License-Identifier: MIT
// XDPresence against real listener processes: each one starting, registering,
// unregistering, exiting and being killed is exactly one join and one leave, within
// 2 s, on the local socket, the native window (an Xvfb of the test's own) and Auto.
#include "peerprocess.h"
#include "xvfbserver.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

namespace {

constexpr int NoticeWithinMs = 2000;
// How long to wait for a signal that must not come.
constexpr int QuietMs = 400;

QString randomChannel()
{
    return QStringLiteral("presence-") + QUuid::createUuid().toString(QUuid::Id128);
}

bool isShown(const XDPresence *presence, const XDListenerInfo &listener)
{
    const QList<XDListenerInfo> shown = presence->listeners();
    return std::any_of(shown.cbegin(), shown.cend(),
                       [&listener](const XDListenerInfo &info) { return info.id() == listener.id(); });
}

// What a watcher said, one line per signal: "JOIN <name>", "LEAVE <name> <how>". Each
// time, listeners() must already show what the signal tells, and between signals it
// must not change: settle() compares it with what it was at the last listenersChanged().
class PresenceLog : public QObject
{
public:
    explicit PresenceLog(XDPresence *presence) : m_presence(presence), m_lastTold(presence->listeners())
    {
        connect(presence, &XDPresence::listenerJoined, this, [this](const XDListenerInfo &info) {
            lines.append(QStringLiteral("JOIN ") + info.name());
            if (!isShown(m_presence, info))
                lines.append(QStringLiteral("NOT SHOWN ") + info.name());
        });
        connect(presence, &XDPresence::listenerLeft, this,
                [this](const XDListenerInfo &info, XDPresence::Departure how) {
                    lines.append(QStringLiteral("LEAVE %1 %2")
                                         .arg(info.name(), how == XDPresence::Vanished
                                                                   ? QStringLiteral("vanished")
                                                                   : QStringLiteral("unregistered")));
                    if (isShown(m_presence, info))
                        lines.append(QStringLiteral("STILL SHOWN ") + info.name());
                });
        connect(presence, &XDPresence::listenersChanged, this, [this] { m_lastTold = m_presence->listeners(); });
    }
    // Waits up to NoticeWithinMs for the log to reach count lines, then QuietMs more for
    // any line too many; returns the lines.
    QStringList settle(int count)
    {
        QElapsedTimer timer;
        timer.start();
        while (lines.size() < count && timer.elapsed() < NoticeWithinMs)
            QTest::qWait(10);
        latencyMs = timer.elapsed();
        QTest::qWait(QuietMs);
        if (m_presence->listeners() != m_lastTold)
            lines.append(QStringLiteral("CHANGED UNTOLD"));
        return lines;
    }
    QStringList lines;
    qint64 latencyMs = 0;

private:
    const XDPresence *m_presence;
    QList<XDListenerInfo> m_lastTold;
};

} // namespace

class tst_Presence : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void everyStepIsOneJoinOrOneLeave_data();
    void everyStepIsOneJoinOrOneLeave();
    void presentListenersAreThereAtOnce();
    void watchingEveryChannel();
    void ownListenerJoinsAndLeaves();
    void badRequestsAreErrors();

private:
    bool useTransport(const QString &transport);
    PeerProcess *startPeer(const QString &name);
    static bool command(PeerProcess *peer, const QString &line);
    XvfbServer m_xvfb;
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
    QString m_transport;
    std::vector<std::unique_ptr<PeerProcess>> m_peers; // ended by PID in cleanup()
};

void tst_Presence::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("DISPLAY");
    m_transport = QStringLiteral("localsocket");
}

void tst_Presence::cleanup()
{
    m_peers.clear();
}

// The watcher and its peers use transport; the native window and Auto get a display.
bool tst_Presence::useTransport(const QString &transport)
{
    m_transport = transport;
    if (transport == u"localsocket")
        return true;
    if (m_xvfb.display().isEmpty() && !m_xvfb.start()) {
        qWarning("%s", qPrintable(m_xvfb.errorString()));
        return false;
    }
    qputenv("DISPLAY", m_xvfb.display().toLocal8Bit());
    return true;
}

PeerProcess *tst_Presence::startPeer(const QString &name)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("XDMESSAGING_TRANSPORT"), m_transport);
    if (!m_xvfb.display().isEmpty() && m_transport != u"localsocket")
        environment.insert(QStringLiteral("DISPLAY"), m_xvfb.display());
    m_peers.push_back(std::make_unique<PeerProcess>(QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(),
                                                    QStringList {QStringLiteral("interactive"), name}, environment));
    PeerProcess *peer = m_peers.back().get();
    return peer->waitForReady() ? peer : nullptr;
}

bool tst_Presence::command(PeerProcess *peer, const QString &line)
{
    peer->writeLine(line.toUtf8());
    return peer->waitForLineStartingWith(QStringLiteral("DONE ") + line, 10000);
}

void tst_Presence::everyStepIsOneJoinOrOneLeave_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("localsocket") << QStringLiteral("localsocket");
    if (XvfbServer::isAvailable()) {
        QTest::newRow("native") << QStringLiteral("native");
        QTest::newRow("auto") << QStringLiteral("auto");
    }
}

void tst_Presence::everyStepIsOneJoinOrOneLeave()
{
    QFETCH(QString, transport);
    QVERIFY(useTransport(transport));
    XDTransport kind;
    QVERIFY(xdParseTransportName(transport, &kind));
    const QString channel = randomChannel();
    XDPresence presence(channel, kind);
    QCOMPARE(presence.error(), XDError::NoError);
    PresenceLog log(&presence);

    PeerProcess *first = startPeer(QStringLiteral("first"));
    QVERIFY(first);
    QCOMPARE(log.settle(0), QStringList()); // a listener with no channel is on none

    QVERIFY(command(first, QStringLiteral("register ") + channel));
    QCOMPARE(log.settle(1), QStringList {QStringLiteral("JOIN first")});
    QCOMPARE(presence.count(), 1);
    QCOMPARE(presence.listeners().constFirst().pid(), first->pid());
    // In Auto the one join is a listener reachable both ways.
    QCOMPARE(presence.listeners().constFirst().transports().size(), transport == u"auto" ? 2 : 1);
    QVERIFY(command(first, QStringLiteral("register other-") + channel));
    QVERIFY(command(first, QStringLiteral("unregister ") + channel));
    QCOMPARE(log.settle(2).mid(1), QStringList {QStringLiteral("LEAVE first unregistered")});
    QCOMPARE(presence.count(), 0);
    QVERIFY(command(first, QStringLiteral("register ") + channel));
    QCOMPARE(log.settle(3).mid(2), QStringList {QStringLiteral("JOIN first")});
    first->writeLine("quit");
    QVERIFY(first->waitForFinished(10000));
    QCOMPARE(first->process().exitCode(), 0);
    QCOMPARE(log.settle(4).mid(3), QStringList {QStringLiteral("LEAVE first unregistered")});

    PeerProcess *second = startPeer(QStringLiteral("second"));
    QVERIFY(second);
    QVERIFY(command(second, QStringLiteral("register ") + channel));
    QCOMPARE(log.settle(5).mid(4), QStringList {QStringLiteral("JOIN second")});
    ::kill(pid_t(second->pid()), SIGKILL);
    QCOMPARE(log.settle(6).mid(5), QStringList {QStringLiteral("LEAVE second vanished")});
    QVERIFY2(log.latencyMs < NoticeWithinMs, qPrintable(QString::number(log.latencyMs)));
    QCOMPARE(presence.count(), 0);
}

void tst_Presence::presentListenersAreThereAtOnce()
{
    const QString channel = randomChannel();
    PeerProcess *peer = startPeer(QStringLiteral("early"));
    QVERIFY(peer);
    QVERIFY(command(peer, QStringLiteral("register ") + channel));
    XDPresence presence(channel, XDTransport::LocalSocket);
    QCOMPARE(presence.count(), 1);
    QCOMPARE(presence.listeners().constFirst().name(), QStringLiteral("early"));
    QCOMPARE(presence.listeners().constFirst().channels(), QStringList {channel});
    PresenceLog log(&presence);
    QCOMPARE(log.settle(0), QStringList()); // it was there: no join
}

void tst_Presence::watchingEveryChannel()
{
    XDPresence presence(QString(), XDTransport::LocalSocket);
    PresenceLog log(&presence);
    QSignalSpy changed(&presence, &XDPresence::listenersChanged);
    PeerProcess *peer = startPeer(QStringLiteral("roamer"));
    QVERIFY(peer);
    QVERIFY(command(peer, QStringLiteral("register a")));
    QVERIFY(command(peer, QStringLiteral("register b")));
    QTRY_COMPARE(presence.listeners().value(0).channels(), (QStringList {QStringLiteral("a"), QStringLiteral("b")}));
    QVERIFY(command(peer, QStringLiteral("unregister a")));
    QTRY_COMPARE(presence.listeners().value(0).channels(), QStringList {QStringLiteral("b")});
    QVERIFY(changed.count() >= 2);
    QVERIFY(command(peer, QStringLiteral("unregister b")));
    QCOMPARE(log.settle(2), (QStringList {QStringLiteral("JOIN roamer"), QStringLiteral("LEAVE roamer unregistered")}));

    // Watching another channel: who is on it now joins, as a signal.
    XDListener local(XDTransport::LocalSocket);
    local.setName(QStringLiteral("local"));
    QVERIFY(local.registerChannel(QStringLiteral("c")));
    QCOMPARE(log.settle(3).mid(2), QStringList {QStringLiteral("JOIN local")});
    const int toldBefore = changed.count();
    presence.setChannel(QStringLiteral("b"));
    QCOMPARE(presence.count(), 0);
    QCOMPARE(changed.count(), toldBefore + 1); // before setChannel() returned
    QCOMPARE(log.settle(4).mid(3), QStringList {QStringLiteral("LEAVE local unregistered")});
    QCOMPARE(changed.count(), toldBefore + 1); // the leave told, listeners() as it was
    presence.setChannel(QStringLiteral("c"));
    QCOMPARE(log.settle(5).mid(4), QStringList {QStringLiteral("JOIN local")});
}

void tst_Presence::ownListenerJoinsAndLeaves()
{
    const QString channel = randomChannel();
    XDPresence presence(channel, XDTransport::LocalSocket);
    PresenceLog log(&presence);
    auto listener = std::make_unique<XDListener>(XDTransport::LocalSocket);
    listener->setName(QStringLiteral("mine"));
    QVERIFY(listener->registerChannel(channel));
    QCOMPARE(log.settle(1), QStringList {QStringLiteral("JOIN mine")});
    QCOMPARE(presence.listeners().constFirst().id(), listener->id());
    listener->setName(QStringLiteral("renamed"));
    QTRY_COMPARE(presence.listeners().value(0).name(), QStringLiteral("renamed"));
    listener.reset();
    QCOMPARE(log.settle(2).mid(1), QStringList {QStringLiteral("LEAVE renamed unregistered")});
}

void tst_Presence::badRequestsAreErrors()
{
    XDPresence badName(QStringLiteral("bad\nname"));
    QCOMPARE(badName.error(), XDError::InvalidChannelName);
    QVERIFY(badName.errorString().contains(u"channel"));

    qunsetenv("XDMESSAGING_REDIS_URL");
    XDPresence network(QStringLiteral("x"), XDTransport::Network); // no Redis configured
    QCOMPARE(network.error(), XDError::TransportUnavailable);
    QVERIFY2(network.errorString().contains(u"Redis"), qPrintable(network.errorString()));

    qunsetenv("DISPLAY");
    XDPresence native(QStringLiteral("x"), XDTransport::NativeWindow);
    QCOMPARE(native.error(), XDError::TransportUnavailable);
    QVERIFY2(native.errorString().contains(u"DISPLAY"), qPrintable(native.errorString()));
    QSignalSpy errors(&native, &XDPresence::errorOccurred);
    QTRY_COMPARE(errors.count(), 1);

    // Auto without a display watches the local socket alone, and says nothing is wrong.
    XDPresence automatic(QStringLiteral("x"));
    QCOMPARE(automatic.error(), XDError::NoError);
}

QTEST_GUILESS_MAIN(tst_Presence)
#include "tst_presence.moc"
