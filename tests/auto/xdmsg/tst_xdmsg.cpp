// SPDX-License-Identifier: MIT
// The xdmsg interface scripts rely on: output formats, exit codes, error lines.
#include "childlifetime.h"
#include "redisserver.h"

#include <XDMessaging/xdnetworksettings.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <csignal>
#include <functional>

namespace {

QString randomChannel()
{
    return QStringLiteral("cli-") + QUuid::createUuid().toString(QUuid::Id128);
}

} // namespace

class tst_Xdmsg : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void listenPrintsEscapedLines();
    void listenStopsAtCount();
    void listenJson();
    void listenTimesOut();
    void sendStdinKeepsOrder();
    void channelsListsListeners();
    void channelsWatchPrintsJoinsAndLeaves_data();
    void channelsWatchPrintsJoinsAndLeaves();
    void requestPrintsTheReplies();
    void usageErrors_data();
    void usageErrors();
    void helpAndVersion();
    void stoppedListenerIsARuntimeFailure();
    void lossAfterSendingIsReported();
    void networkTransportThroughRedis();

private:
    QProcess *start(const QStringList &arguments);
    bool startListener(const QStringList &arguments);
    struct Finished
    {
        int exitCode;
        QByteArray out;
        QByteArray err;
    };
    Finished run(const QStringList &arguments, const QByteArray &input = QByteArray());
    // Hands each line process prints to take(), which says how many it has, until that is
    // count; false if it is not count within timeoutMs.
    static bool waitForLines(QProcess *process, qsizetype count,
                             const std::function<qsizetype(const QByteArray &)> &take, int timeoutMs = 10000);

    std::unique_ptr<QTemporaryDir> m_runtimeDir;
    std::vector<std::unique_ptr<QProcess>> m_processes; // ended by PID in cleanup()
    QProcess *m_listener = nullptr;
};

bool tst_Xdmsg::waitForLines(QProcess *process, qsizetype count,
                             const std::function<qsizetype(const QByteArray &)> &take, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype have = 0;
    while (have < count && !deadline.hasExpired()) {
        if (!process->canReadLine() && !process->waitForReadyRead(100))
            continue;
        while (process->canReadLine())
            have = take(process->readLine());
    }
    return have == count;
}

void tst_Xdmsg::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
}

void tst_Xdmsg::cleanup()
{
    for (const auto &process : m_processes) {
        if (process->state() != QProcess::NotRunning) {
            ::kill(pid_t(process->processId()), SIGCONT);
            process->kill();
            process->waitForFinished(5000);
        }
    }
    m_processes.clear();
    m_listener = nullptr;
}

QProcess *tst_Xdmsg::start(const QStringList &arguments)
{
    auto process = std::make_unique<QProcess>();
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDMESSAGING_RUNTIME_DIR"), m_runtimeDir->path());
    environment.remove(QStringLiteral("XDMESSAGING_TRANSPORT"));
    process->setProcessEnvironment(environment);
    endWithThisProcess(*process);
    process->start(QStringLiteral(XDMSG_PATH), arguments);
    m_processes.push_back(std::move(process));
    return m_processes.back().get();
}

// Starts "xdmsg listen ..." and waits for its "xdmsg: listening" line.
bool tst_Xdmsg::startListener(const QStringList &arguments)
{
    m_listener = start(QStringList {QStringLiteral("listen")} + arguments);
    QByteArray err;
    QDeadlineTimer deadline(10000);
    m_listener->setReadChannel(QProcess::StandardError);
    while (!err.contains("xdmsg: listening") && !deadline.hasExpired()) {
        if (!m_listener->waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())))
            && m_listener->state() == QProcess::NotRunning)
            break;
        err += m_listener->readAll();
    }
    m_listener->setReadChannel(QProcess::StandardOutput);
    return err.startsWith("xdmsg: listening on ");
}

tst_Xdmsg::Finished tst_Xdmsg::run(const QStringList &arguments, const QByteArray &input)
{
    QProcess *process = start(arguments);
    if (!input.isEmpty())
        process->write(input);
    process->closeWriteChannel();
    if (!process->waitForFinished(30000))
        return {-1, {}, {}};
    return {process->exitStatus() == QProcess::NormalExit ? process->exitCode() : -1, process->readAllStandardOutput(),
            process->readAllStandardError()};
}

void tst_Xdmsg::listenPrintsEscapedLines()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({QStringLiteral("--count"), QStringLiteral("2"), channel}));
    const Finished sent =
            run({QStringLiteral("send"), QStringLiteral("--verbose"), channel, QStringLiteral("tab\there\nnew\\line")});
    QCOMPARE(sent.exitCode, 0);
    QCOMPARE(sent.err, QByteArray("xdmsg: reached 1 listeners on \"") + channel.toUtf8() + "\"\n");
    QCOMPARE(run({QStringLiteral("send"), channel, QStringLiteral("plain")}).exitCode, 0);
    QVERIFY(m_listener->waitForFinished(10000));
    QCOMPARE(m_listener->exitCode(), 0);
    const QByteArray expected = channel.toUtf8() + "\ttab\\there\\nnew\\\\line\n" + channel.toUtf8() + "\tplain\n";
    QCOMPARE(m_listener->readAllStandardOutput(), expected);
}

void tst_Xdmsg::listenStopsAtCount()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({QStringLiteral("--count"), QStringLiteral("3"), channel}));
    QByteArray input;
    for (int i = 0; i < 100; ++i)
        input += QByteArray::number(i) + '\n';
    const Finished sent = run({QStringLiteral("send"), QStringLiteral("--stdin"), channel}, input);
    // Lines that came after the listener quit were lost, and send says so, or none were.
    if (sent.exitCode != 0) {
        QCOMPARE(sent.exitCode, 1);
        QVERIFY2(sent.err.contains("messages lost after they were sent"), sent.err.constData());
    }
    QVERIFY(m_listener->waitForFinished(10000));
    QCOMPARE(m_listener->exitCode(), 0);
    const QByteArray c = channel.toUtf8();
    QCOMPARE(m_listener->readAllStandardOutput(), QByteArray(c + "\t0\n" + c + "\t1\n" + c + "\t2\n"));
}

void tst_Xdmsg::listenJson()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({QStringLiteral("--json"), QStringLiteral("--count"), QStringLiteral("1"), channel}));
    QProcess *sender = start({QStringLiteral("send"), channel, QStringLiteral("hello")});
    QVERIFY(sender->waitForStarted(10000));
    const qint64 senderPid = sender->processId();
    QVERIFY(sender->waitForFinished(10000));
    QVERIFY(m_listener->waitForFinished(10000));
    QCOMPARE(m_listener->exitCode(), 0);
    const QByteArray line = m_listener->readAllStandardOutput();
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    const QJsonObject object = QJsonDocument::fromJson(line).object();
    QCOMPARE(object.value(QStringLiteral("channel")).toString(), channel);
    QCOMPARE(object.value(QStringLiteral("text")).toString(), QStringLiteral("hello"));
    QCOMPARE(object.value(QStringLiteral("sender_pid")).toInteger(), senderPid);
    QCOMPARE(object.value(QStringLiteral("sender_name")).toString(), QStringLiteral("xdmsg"));
    QCOMPARE(object.value(QStringLiteral("transport")).toString(), QStringLiteral("localsocket"));
    QVERIFY(!QUuid::fromString(object.value(QStringLiteral("id")).toString()).isNull());
}

void tst_Xdmsg::listenTimesOut()
{
    const Finished finished = run({QStringLiteral("listen"), QStringLiteral("--count"), QStringLiteral("1"),
                                   QStringLiteral("--timeout"), QStringLiteral("0.3"), randomChannel()});
    QCOMPARE(finished.exitCode, 1);
    QVERIFY2(finished.err.contains("xdmsg: timed out"), finished.err.constData());
    // It withdrew itself: nothing is left listening.
    const Finished channels = run({QStringLiteral("channels"), QStringLiteral("--json")});
    QCOMPARE(QJsonDocument::fromJson(channels.out).object().value(QStringLiteral("listeners")).toArray().size(), 0);
}

void tst_Xdmsg::sendStdinKeepsOrder()
{
    const QString channel = randomChannel();
    constexpr int Lines = 500;
    QVERIFY(startListener({QStringLiteral("--count"), QString::number(Lines), channel}));
    QByteArray input;
    QByteArray expected;
    for (int i = 0; i < Lines; ++i) {
        input += "line " + QByteArray::number(i) + '\n';
        expected += channel.toUtf8() + "\tline " + QByteArray::number(i) + '\n';
    }
    const Finished sent = run({QStringLiteral("send"), QStringLiteral("--stdin"), channel}, input);
    QVERIFY2(sent.exitCode == 0, sent.err.constData());
    QVERIFY(m_listener->waitForFinished(10000));
    QCOMPARE(m_listener->readAllStandardOutput(), expected);
}

void tst_Xdmsg::channelsListsListeners()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({channel, QStringLiteral("second")}));
    const Finished json = run({QStringLiteral("channels"), QStringLiteral("--json")});
    QCOMPARE(json.exitCode, 0);
    const QJsonArray listeners =
            QJsonDocument::fromJson(json.out).object().value(QStringLiteral("listeners")).toArray();
    QCOMPARE(listeners.size(), 1);
    const QJsonObject listener = listeners.first().toObject();
    QCOMPARE(listener.value(QStringLiteral("pid")).toInteger(), m_listener->processId());
    QCOMPARE(listener.value(QStringLiteral("channels")).toArray(), (QJsonArray {channel, QStringLiteral("second")}));
    QCOMPARE(listener.value(QStringLiteral("transports")).toArray(), QJsonArray {QStringLiteral("localsocket")});
    const Finished table = run({QStringLiteral("channels")});
    QCOMPARE(table.exitCode, 0);
    QVERIFY(table.out.startsWith("PID\tNAME\tTRANSPORTS\tCHANNELS\n"));
    QVERIFY(table.out.contains(QByteArray(QByteArray::number(m_listener->processId()) + "\txdmsg\tlocalsocket\t")));
}

// One line per event, as it happens: present, joined, vanished (killed), left; as JSON
// objects, or tab-separated columns under a header.
void tst_Xdmsg::channelsWatchPrintsJoinsAndLeaves_data()
{
    QTest::addColumn<bool>("json");
    QTest::newRow("json") << true;
    QTest::newRow("text") << false;
}

void tst_Xdmsg::channelsWatchPrintsJoinsAndLeaves()
{
    QFETCH(bool, json);
    const QString channel = randomChannel();
    QVERIFY(startListener({channel}));
    QProcess *first = m_listener;
    QStringList arguments = {QStringLiteral("channels"), QStringLiteral("--watch"), channel};
    if (json)
        arguments.insert(2, QStringLiteral("--json"));
    QProcess *watcher = start(arguments);
    QByteArray header; // the first line without --json
    // "<event> <pid> <channels>" of each line.
    QStringList events;
    auto waitForEvents = [&](qsizetype count, int timeoutMs = 10000) {
        return waitForLines(
                watcher, count,
                [&](const QByteArray &line) {
                    if (json) {
                        const QJsonObject object = QJsonDocument::fromJson(line).object();
                        QStringList channels;
                        for (const QJsonValue &value : object.value(QStringLiteral("channels")).toArray())
                            channels.append(value.toString());
                        events.append(QStringLiteral("%1 %2 %3")
                                              .arg(object.value(QStringLiteral("event")).toString())
                                              .arg(object.value(QStringLiteral("pid")).toInteger())
                                              .arg(channels.join(QLatin1Char(','))));
                    } else if (header.isEmpty()) {
                        header = line;
                    } else {
                        const QStringList columns = QString::fromUtf8(line).chopped(1).split(QLatin1Char('\t'));
                        events.append(columns.value(0) + QLatin1Char(' ') + columns.value(1) + QLatin1Char(' ')
                                      + columns.value(4));
                    }
                    return events.size();
                },
                timeoutMs);
    };
    const auto expected = [&](const char *event, const QProcess *listener) {
        return QStringLiteral("%1 %2 %3").arg(QLatin1String(event)).arg(listener->processId()).arg(channel);
    };
    QVERIFY(waitForEvents(1));
    QCOMPARE(header, json ? QByteArray() : QByteArray("EVENT\tPID\tNAME\tTRANSPORTS\tCHANNELS\n"));
    QCOMPARE(events.at(0), expected("present", first));
    QVERIFY(startListener({channel}));
    QProcess *second = m_listener;
    QVERIFY(waitForEvents(2));
    QCOMPARE(events.at(1), expected("joined", second));
    ::kill(pid_t(second->processId()), SIGKILL);
    QVERIFY(waitForEvents(3));
    QCOMPARE(events.at(2), expected("vanished", second));
    ::kill(pid_t(first->processId()), SIGTERM);
    QVERIFY(waitForEvents(4));
    QCOMPARE(events.at(3), expected("left", first));
    ::kill(pid_t(watcher->processId()), SIGTERM);
    QVERIFY(watcher->waitForFinished(10000));
    QCOMPARE(watcher->exitCode(), 0);
    QVERIFY(!waitForEvents(5, 1000)); // nothing else was said (the watcher has ended)
}

// listen --reply answers; request prints each reply and says who did not answer.
void tst_Xdmsg::requestPrintsTheReplies()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({QStringLiteral("--reply"), QStringLiteral("pong"), channel}));
    QVERIFY(startListener({channel}));
    QProcess *silent = m_listener;
    const Finished partly = run({QStringLiteral("request"), QStringLiteral("--timeout"), QStringLiteral("0.5"), channel,
                                 QStringLiteral("ping")});
    QCOMPARE(partly.exitCode, 1);
    QCOMPARE(partly.out, QByteArray(channel.toUtf8() + "\tpong\n"));
    QVERIFY2(partly.err.contains("1 of 2 listeners answered, 1 timed out"), partly.err.constData());
    ::kill(pid_t(silent->processId()), SIGTERM);
    QVERIFY(silent->waitForFinished(10000));
    const Finished json = run({QStringLiteral("request"), QStringLiteral("--json"), channel, QStringLiteral("ping")});
    QCOMPARE(json.exitCode, 0);
    QCOMPARE(QJsonDocument::fromJson(json.out).object().value(QStringLiteral("text")).toString(),
             QStringLiteral("pong"));
    QVERIFY2(json.err.contains("1 of 1 listeners answered, 0 timed out"), json.err.constData());
    const Finished nobody = run({QStringLiteral("request"), randomChannel(), QStringLiteral("ping")});
    QCOMPARE(nobody.exitCode, 1);
    QVERIFY2(nobody.err.contains("nobody listens"), nobody.err.constData());
}

void tst_Xdmsg::usageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("no command") << QStringList {};
    QTest::newRow("unknown command") << QStringList {QStringLiteral("shout")};
    QTest::newRow("send without text") << QStringList {QStringLiteral("send"), QStringLiteral("c")};
    QTest::newRow("unknown option") << QStringList {QStringLiteral("send"), QStringLiteral("--loud"),
                                                    QStringLiteral("c"), QStringLiteral("t")};
    QTest::newRow("bad transport") << QStringList {QStringLiteral("send"), QStringLiteral("--transport"),
                                                   QStringLiteral("pigeon"), QStringLiteral("c"), QStringLiteral("t")};
    QTest::newRow("invalid channel") << QStringList {QStringLiteral("send"), QStringLiteral("a\nb"),
                                                     QStringLiteral("t")};
    QTest::newRow("listen without channel") << QStringList {QStringLiteral("listen")};
    QTest::newRow("request without text") << QStringList {QStringLiteral("request"), QStringLiteral("c")};
    QTest::newRow("request on an invalid channel")
            << QStringList {QStringLiteral("request"), QStringLiteral("a\nb"), QStringLiteral("t")};
    QTest::newRow("channels with a channel") << QStringList {QStringLiteral("channels"), QStringLiteral("c")};
    QTest::newRow("watch an invalid channel")
            << QStringList {QStringLiteral("channels"), QStringLiteral("--watch"), QStringLiteral("a\nb")};
    QTest::newRow("bad count") << QStringList {QStringLiteral("listen"), QStringLiteral("--count"),
                                               QStringLiteral("many"), QStringLiteral("c")};
}

void tst_Xdmsg::usageErrors()
{
    QFETCH(QStringList, arguments);
    const Finished finished = run(arguments);
    QCOMPARE(finished.exitCode, 2);
    QVERIFY2(finished.err.startsWith("xdmsg: "), finished.err.constData());
    QCOMPARE(finished.err.count('\n'), 1);
    QVERIFY(finished.out.isEmpty());
}

void tst_Xdmsg::helpAndVersion()
{
    const Finished help = run({QStringLiteral("--help")});
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.out.contains("xdmsg send"));
    QVERIFY(help.out.contains("xdmsg listen"));
    QVERIFY(help.out.contains("xdmsg channels"));
    const Finished version = run({QStringLiteral("--version")});
    QCOMPARE(version.exitCode, 0);
    QVERIFY(version.out.startsWith("xdmsg "));
    QCOMPARE(run({QStringLiteral("send"), QStringLiteral("--help")}).exitCode, 0);
}

void tst_Xdmsg::stoppedListenerIsARuntimeFailure()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({channel}));
    QCOMPARE(::kill(pid_t(m_listener->processId()), SIGSTOP), 0);
    // Fill the kernel buffer first so the next message has to wait in the queue.
    QByteArray input;
    for (int i = 0; i < 2000; ++i)
        input += QByteArray(1000, 'x') + '\n';
    const Finished finished = run({QStringLiteral("send"), QStringLiteral("--stdin"), channel}, input);
    ::kill(pid_t(m_listener->processId()), SIGCONT);
    QCOMPARE(finished.exitCode, 1);
    QVERIFY2(finished.err.startsWith("xdmsg: "), finished.err.constData());
}

// A stopped listener holds the start of 20 MB in its socket, the rest waits in send's
// queue; killed while send waits for it, all of it is reported lost (deliveryFailed),
// exactly what send handed over, and send exits 1.
void tst_Xdmsg::lossAfterSendingIsReported()
{
    const QString channel = randomChannel();
    QVERIFY(startListener({channel}));
    QCOMPARE(::kill(pid_t(m_listener->processId()), SIGSTOP), 0);
    QByteArray input;
    for (int i = 0; i < 20000; ++i)
        input += QByteArray(1000, 'x') + '\n';
    QProcess *sender = start({QStringLiteral("send"), QStringLiteral("--stdin"), QStringLiteral("--verbose"), channel});
    sender->write(input);
    sender->closeWriteChannel();
    QDeadlineTimer deadline(20000);
    while (sender->bytesToWrite() > 0 && !deadline.hasExpired())
        sender->waitForBytesWritten(10);
    QTest::qWait(100); // it sends what it read; then it waits for the stopped listener
    QCOMPARE(::kill(pid_t(m_listener->processId()), SIGKILL), 0);
    QVERIFY(sender->waitForFinished(30000));
    const QByteArray err = sender->readAllStandardError();
    qint64 lost = 0;
    qint64 deliveries = -1;
    const QRegularExpression lostLine(QStringLiteral("^xdmsg: (\\d+) messages lost after they were sent: listener "));
    const QRegularExpression totalsLine(QStringLiteral("^xdmsg: sent 20000 messages to \"[^\"]+\": (\\d+) deliveries"));
    for (const QByteArray &line : err.split('\n')) {
        if (const QRegularExpressionMatch match = lostLine.match(QString::fromUtf8(line)); match.hasMatch())
            lost += match.captured(1).toLongLong();
        if (const QRegularExpressionMatch match = totalsLine.match(QString::fromUtf8(line)); match.hasMatch())
            deliveries = match.captured(1).toLongLong();
    }
    QCOMPARE(sender->exitCode(), 1);
    QVERIFY2(deliveries > 0, err.constData());
    QCOMPARE(lost, deliveries); // it took nothing
}

// "listen --transport network" announces itself once Redis is connected; "send
// --propagate" reaches it and the local listener; without a Redis URL it is a clear error.
void tst_Xdmsg::networkTransportThroughRedis()
{
    if (!XDNetworkSettings::isBuiltIn() || QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty())
        QSKIP("no network transport or no redis-server here");
    const QString channel = randomChannel();
    const Finished unconfigured = run({QStringLiteral("send"), QStringLiteral("--transport"), QStringLiteral("network"),
                                       channel, QStringLiteral("x")});
    QCOMPARE(unconfigured.exitCode, 1);
    QVERIFY2(unconfigured.err.contains("XDMESSAGING_REDIS_URL"), unconfigured.err.constData());

    RedisServer redis;
    QVERIFY2(redis.start(), qPrintable(redis.errorString()));
    qputenv("XDMESSAGING_REDIS_URL", redis.url().toUtf8());
    qputenv("XDMESSAGING_REDIS_NAMESPACE", channel.toUtf8());
    QVERIFY(startListener({QStringLiteral("--transport"), QStringLiteral("network"), QStringLiteral("--count"),
                           QStringLiteral("1"), channel}));
    const Finished sent = run({QStringLiteral("send"), QStringLiteral("--propagate"), QStringLiteral("--verbose"),
                               channel, QStringLiteral("over the network")});
    qunsetenv("XDMESSAGING_REDIS_URL");
    qunsetenv("XDMESSAGING_REDIS_NAMESPACE");
    QCOMPARE(sent.exitCode, 0);
    QVERIFY2(sent.err.contains("xdmsg: 1 messages propagated to the network"), sent.err.constData());
    QVERIFY(m_listener->waitForFinished(10000));
    QCOMPARE(m_listener->exitCode(), 0);
    QCOMPARE(m_listener->readAllStandardOutput(), channel.toUtf8() + "\tover the network\n");
}

QTEST_GUILESS_MAIN(tst_Xdmsg)
#include "tst_xdmsg.moc"
