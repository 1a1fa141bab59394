// SPDX-License-Identifier: MIT
// Request and reply between real processes: who answers and who does not, a replier
// killed while it holds a request, replies reaching the asker alone, and 10,000
// requests in flight from two processes.
#include "peerprocess.h"
#include "xvfbserver.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>

namespace {

QString randomChannel()
{
    return QStringLiteral("request-") + QUuid::createUuid().toString(QUuid::Id128);
}

QStringList replyTexts(const XDRequest &request)
{
    QStringList texts;
    const QList<XDMessage> replies = request.replies();
    for (const XDMessage &reply : replies)
        texts.append(reply.text());
    texts.sort();
    return texts;
}

} // namespace

class tst_Request : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void threeAnswerOneIsSilent_data();
    void threeAnswerOneIsSilent();
    void replierKilledWhileHoldingTheRequest();
    void repliesReachTheAskerAlone();
    void tenThousandRequestsInFlightFromTwoProcesses();
    void replyToWhatIsNoRequestFails();
    void requestReachingNobodyFinishesAtOnce();

private:
    PeerProcess *startReplier(const QString &channel, const QString &answer, const QString &transport = {});
    PeerProcess *startPeer(const QStringList &arguments, const QString &transport = {});
    static bool command(PeerProcess *peer, const QString &line);
    XvfbServer m_xvfb;
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
    std::vector<std::unique_ptr<PeerProcess>> m_peers; // ended by PID in cleanup()
};

void tst_Request::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("DISPLAY");
}

void tst_Request::cleanup()
{
    m_peers.clear();
}

PeerProcess *tst_Request::startPeer(const QStringList &arguments, const QString &transport)
{
    QProcessEnvironment environment;
    if (!transport.isEmpty())
        environment.insert(QStringLiteral("XDMESSAGING_TRANSPORT"), transport);
    if (!m_xvfb.display().isEmpty())
        environment.insert(QStringLiteral("DISPLAY"), m_xvfb.display());
    m_peers.push_back(
            std::make_unique<PeerProcess>(QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(), arguments, environment));
    return m_peers.back().get();
}

// A listener of channel that answers each request with answer (none when empty).
PeerProcess *tst_Request::startReplier(const QString &channel, const QString &answer, const QString &transport)
{
    PeerProcess *peer = startPeer({QStringLiteral("interactive")}, transport);
    if (!peer->waitForReady() || !command(peer, QStringLiteral("register ") + channel))
        return nullptr;
    if (!answer.isEmpty() && !command(peer, QStringLiteral("answer ") + answer))
        return nullptr;
    return peer;
}

bool tst_Request::command(PeerProcess *peer, const QString &line)
{
    peer->writeLine(line.toUtf8());
    return peer->waitForLineStartingWith(QStringLiteral("DONE ") + line, 10000);
}

void tst_Request::threeAnswerOneIsSilent_data()
{
    QTest::addColumn<QString>("transport");
    QTest::newRow("localsocket") << QStringLiteral("localsocket");
    if (XvfbServer::isAvailable())
        QTest::newRow("native") << QStringLiteral("native");
}

// Three replies and one listener reported as timed out, once the timeout passed.
void tst_Request::threeAnswerOneIsSilent()
{
    QFETCH(QString, transport);
    XDTransport kind;
    QVERIFY(xdParseTransportName(transport, &kind));
    if (kind == XDTransport::NativeWindow) {
        QVERIFY2(m_xvfb.display().isEmpty() ? m_xvfb.start() : true, qPrintable(m_xvfb.errorString()));
        qputenv("DISPLAY", m_xvfb.display().toLocal8Bit());
    }
    const QString channel = randomChannel();
    for (const QString &answer : {QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")})
        QVERIFY(startReplier(channel, answer, transport));
    PeerProcess *silent = startReplier(channel, QString(), transport);
    QVERIFY(silent);

    XDBroadcaster broadcaster(kind);
    QElapsedTimer timer;
    timer.start();
    XDRequest *request = broadcaster.request(channel, QStringLiteral("who is there?"), 1500);
    QSignalSpy replies(request, &XDRequest::replyReceived);
    QSignalSpy finished(request, &XDRequest::finished);
    QCOMPARE(request->asked(), 4);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QVERIFY2(timer.elapsed() >= 1400, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(replies.count(), 3);
    QCOMPARE(request->answered(), 3);
    QCOMPARE(request->timedOut(), 1);
    QCOMPARE(replyTexts(*request),
             (QStringList {QStringLiteral("one"), QStringLiteral("three"), QStringLiteral("two")}));
    const XDMessage first = request->replies().constFirst();
    QCOMPARE(first.channel(), channel); // shown on the request's channel
    QCOMPARE(first.transport(), kind); // back the way the request went
    QVERIFY(!first.isRequest());
    QVERIFY(silent->waitForLineStartingWith(QStringLiteral("REQUEST who is there?"), 5000));
}

// A replier that dies holding the request is one that did not answer; the others' replies
// all arrive, and the asker finishes at its timeout.
void tst_Request::replierKilledWhileHoldingTheRequest()
{
    const QString channel = randomChannel();
    QVERIFY(startReplier(channel, QStringLiteral("alive")));
    PeerProcess *doomed = startReplier(channel, QString());
    QVERIFY(doomed);
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    XDRequest *request = broadcaster.request(channel, QStringLiteral("anyone?"), 1500);
    QVERIFY(doomed->waitForLineStartingWith(QStringLiteral("REQUEST anyone?"), 5000));
    ::kill(pid_t(doomed->pid()), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(request->isFinished(), 10000);
    QCOMPARE(request->asked(), 2);
    QCOMPARE(request->answered(), 1);
    QCOMPARE(request->timedOut(), 1);
    QCOMPARE(replyTexts(*request), QStringList {QStringLiteral("alive")});
}

// Two askers, one echoing replier: each asker gets the replies to its own requests and no
// other's, and a listener of the same channel that asked nothing gets no reply at all.
void tst_Request::repliesReachTheAskerAlone()
{
    const QString channel = randomChannel();
    QVERIFY(startReplier(channel, QStringLiteral("=echo")));
    PeerProcess *bystander = startReplier(channel, QString());
    QVERIFY(bystander);
    PeerProcess *otherAsker = startPeer({QStringLiteral("ask"), channel, QStringLiteral("50"), QStringLiteral("3000")});

    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    XDRequest *request = broadcaster.request(channel, QStringLiteral("mine"), 3000);
    QTRY_VERIFY_WITH_TIMEOUT(request->isFinished(), 10000);
    QVERIFY(otherAsker->waitForFinished(10000));
    QCOMPARE(replyTexts(*request), QStringList {QStringLiteral("re:mine")});
    // The bystander does not answer, so every request times out with it: asked 2, answered 1.
    QCOMPARE(otherAsker->lineStartingWith(QStringLiteral("ASKED ")),
             QStringLiteral("ASKED 100 ANSWERED 50 TIMEDOUT 50 REPLIES 50 WRONG 0"));
    // It saw the 51 requests and nothing else: replies are no messages of the channel.
    QTest::qWait(200);
    QCOMPARE(bystander->linesStartingWith(QStringLiteral("REQUEST ")).size(), 51);
    QCOMPARE(bystander->messages().size(), 51);
}

// 5,000 requests at once from each of two processes to two echoing repliers: every one
// answered twice, correctly, none timed out.
void tst_Request::tenThousandRequestsInFlightFromTwoProcesses()
{
    const QString channel = randomChannel();
    QVERIFY(startReplier(channel, QStringLiteral("=echo")));
    QVERIFY(startReplier(channel, QStringLiteral("=echo")));
    const QStringList arguments = {QStringLiteral("ask"), channel, QStringLiteral("5000"), QStringLiteral("120000")};
    PeerProcess *first = startPeer(arguments);
    PeerProcess *second = startPeer(arguments);
    const QString expected = QStringLiteral("ASKED 10000 ANSWERED 10000 TIMEDOUT 0 REPLIES 10000 WRONG 0");
    // The event loop runs meanwhile: the repliers' output is read, and never fills a pipe.
    QTRY_VERIFY_WITH_TIMEOUT(first->process().state() == QProcess::NotRunning
                                     && second->process().state() == QProcess::NotRunning,
                             150000);
    QCOMPARE(first->lineStartingWith(QStringLiteral("ASKED ")), expected);
    QCOMPARE(second->lineStartingWith(QStringLiteral("ASKED ")), expected);
}

void tst_Request::replyToWhatIsNoRequestFails()
{
    XDListener listener(XDTransport::LocalSocket);
    const XDSendResult result =
            listener.reply(XDMessage::create(QStringLiteral("c"), QStringLiteral("plain")), QStringLiteral("answer"));
    QCOMPARE(result.error(), XDError::NotARequest);
    QVERIFY(!result.errorString().isEmpty());
    // Applications cannot listen on, or send to, the channels replies use.
    QVERIFY(!listener.registerChannel(QStringLiteral("xdmessaging.reply.0123")));
    QCOMPARE(listener.error(), XDError::InvalidChannelName);
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QCOMPARE(broadcaster.sendToChannel(QStringLiteral("xdmessaging.reply.0123"), QStringLiteral("x")).error(),
             XDError::InvalidChannelName);
}

// Nobody to ask: finished from the event loop, so a slot connected after request() hears it.
void tst_Request::requestReachingNobodyFinishesAtOnce()
{
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    XDRequest *request = broadcaster.request(randomChannel(), QStringLiteral("hello?"), 60000);
    QVERIFY(!request->isFinished());
    QSignalSpy finished(request, &XDRequest::finished);
    QVERIFY(finished.wait(1000));
    QCOMPARE(request->asked(), 0);
    QCOMPARE(request->timedOut(), 0);
    XDRequest *invalid = broadcaster.request(QStringLiteral("bad\nname"), QStringLiteral("x"));
    QCOMPARE(invalid->sendResult().error(), XDError::InvalidChannelName);
    QTRY_VERIFY(invalid->isFinished());
    // The broadcaster's own listings leave its reply inbox out.
    QVERIFY(broadcaster.listeners().isEmpty());
}

QTEST_GUILESS_MAIN(tst_Request)
#include "tst_request.moc"
