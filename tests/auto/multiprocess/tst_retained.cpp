// SPDX-License-Identifier: MIT
// Retained values: a listener registering a channel gets its value first, then live
// traffic, with no gap and no duplicate; a cleared value is not delivered.
#include "peerprocess.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QDir>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>

namespace {

QString randomChannel()
{
    return QStringLiteral("retained-") + QUuid::createUuid().toString(QUuid::Id128);
}

// What a listener received, one line each: "retained <text>" or "live <text>".
class Received : public QObject
{
public:
    explicit Received(XDListener *listener)
    {
        connect(listener, &XDListener::messageReceived, this, [this](const XDMessage &message) {
            lines.append((message.isRetained() ? QStringLiteral("retained ") : QStringLiteral("live "))
                         + message.text());
        });
    }
    QStringList lines;
};

} // namespace

class tst_Retained : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void lateJoinerGetsTheValueThenLiveTrafficInOrder();
    void liveCopyOfAValueAlreadyShownIsDropped();
    void clearedValueIsNotDelivered();
    void valueIsPrivateToThisUser();
    void eachChannelHasItsOwnValue();

private:
    PeerProcess *xdmsg(const QStringList &arguments);
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
    std::vector<std::unique_ptr<PeerProcess>> m_peers;
};

void tst_Retained::init()
{
    m_peers.clear();
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("DISPLAY");
}

PeerProcess *tst_Retained::xdmsg(const QStringList &arguments)
{
    m_peers.push_back(std::make_unique<PeerProcess>(QStringLiteral(XDMSG_PATH), m_runtimeDir->path(), arguments));
    PeerProcess *peer = m_peers.back().get();
    return peer->waitForFinished(20000) && peer->process().exitCode() == 0 ? peer : nullptr;
}

// Another process set the value twice and exited; a listener registering later gets the
// last value, flagged, then 200 live messages in order, and no second copy of the value.
void tst_Retained::lateJoinerGetsTheValueThenLiveTrafficInOrder()
{
    const QString channel = randomChannel();
    QVERIFY(xdmsg({QStringLiteral("send"), QStringLiteral("--retain"), channel, QStringLiteral("first value")}));
    QVERIFY(xdmsg({QStringLiteral("send"), QStringLiteral("--retain"), channel, QStringLiteral("the value")}));

    XDListener listener(XDTransport::LocalSocket);
    Received received(&listener);
    QVERIFY(listener.registerChannel(channel));
    QTRY_COMPARE(received.lines, QStringList {QStringLiteral("retained the value")});

    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QStringList expected = {QStringLiteral("retained the value")};
    for (int i = 0; i < 200; ++i) {
        QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("live %1").arg(i)).isOk());
        expected.append(QStringLiteral("live live %1").arg(i));
    }
    QVERIFY(broadcaster.sendRetained(channel, QStringLiteral("newer value")).isOk());
    expected.append(QStringLiteral("live newer value")); // sent live to who listens now
    QTRY_COMPARE(received.lines.size(), expected.size());
    QTest::qWait(100);
    QCOMPARE(received.lines, expected);

    // The next one to register gets the newer value.
    XDListener late(XDTransport::LocalSocket);
    Received lateReceived(&late);
    QVERIFY(late.registerChannel(channel));
    QTRY_COMPARE(lateReceived.lines, QStringList {QStringLiteral("retained newer value")});
}

// A value sent while the listener registers comes both from the store and live: it is
// delivered once, as the retained value, and what follows arrives as usual.
void tst_Retained::liveCopyOfAValueAlreadyShownIsDropped()
{
    const QString channel = randomChannel();
    XDListener listener(XDTransport::LocalSocket);
    Received received(&listener);
    QVERIFY(listener.registerChannel(channel));
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    // Its live copy waits, unread, in the listener's socket while the listener registers
    // the channel afresh and reads the store.
    QVERIFY(broadcaster.sendRetained(channel, QStringLiteral("value")).isOk());
    QVERIFY(broadcaster.flush());
    QVERIFY(listener.unregisterChannel(channel));
    QVERIFY(listener.registerChannel(channel));
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("after")).isOk());
    QTRY_COMPARE(received.lines.size(), 2);
    QTest::qWait(100);
    QCOMPARE(received.lines, (QStringList {QStringLiteral("retained value"), QStringLiteral("live after")}));
}

void tst_Retained::clearedValueIsNotDelivered()
{
    const QString channel = randomChannel();
    QVERIFY(xdmsg({QStringLiteral("send"), QStringLiteral("--retain"), channel, QStringLiteral("soon gone")}));
    QVERIFY(xdmsg({QStringLiteral("send"), QStringLiteral("--retain"), channel, QString()}));
    XDListener listener(XDTransport::LocalSocket);
    Received received(&listener);
    QVERIFY(listener.registerChannel(channel));
    QTest::qWait(300);
    QCOMPARE(received.lines, QStringList());
    QVERIFY(QDir(m_runtimeDir->path() + QStringLiteral("/retained")).isEmpty());
}

// Kept in a directory of mode 0700, in files of mode 0600: another user can neither read
// nor plant one (tst_security runs the other user for real).
void tst_Retained::valueIsPrivateToThisUser()
{
    const QString channel = randomChannel();
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QVERIFY(broadcaster.sendRetained(channel, QStringLiteral("secret")).isOk());
    const QString directory = m_runtimeDir->path() + QStringLiteral("/retained");
    struct stat status;
    QCOMPARE(::stat(QFile::encodeName(directory).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0700u);
    const QStringList files = QDir(directory).entryList(QDir::Files);
    QCOMPARE(files.size(), 1);
    QCOMPARE(::stat(QFile::encodeName(directory + QLatin1Char('/') + files.first()).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0600u);
    // A value another process wrote that is garbage, or of another channel, is ignored.
    QFile garbage(directory + QLatin1Char('/') + files.first());
    QVERIFY(garbage.open(QIODevice::WriteOnly | QIODevice::Truncate));
    garbage.write("not a frame at all");
    garbage.close();
    XDListener listener(XDTransport::LocalSocket);
    Received received(&listener);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring the retained value")));
    QVERIFY(listener.registerChannel(channel));
    QTest::qWait(200);
    QCOMPARE(received.lines, QStringList());
}

void tst_Retained::eachChannelHasItsOwnValue()
{
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QVERIFY(broadcaster.sendRetained(QStringLiteral("a/b"), QStringLiteral("of a/b")).isOk());
    QVERIFY(broadcaster.sendRetained(QStringLiteral("a_b"), QStringLiteral("of a_b")).isOk());
    QVERIFY(broadcaster.sendRetained(QStringLiteral("a_b"), QJsonDocument::fromJson(R"({"n":2})")).isOk());
    XDListener listener(XDTransport::LocalSocket);
    Received received(&listener);
    QVERIFY(listener.registerChannel(QStringLiteral("a/b")));
    QVERIFY(listener.registerChannel(QStringLiteral("a_b")));
    QTRY_COMPARE(received.lines.size(), 2);
    QCOMPARE(received.lines.at(0), QStringLiteral("retained of a/b"));
    QCOMPARE(received.lines.at(1), QStringLiteral(R"(retained {"n":2})"));
}

QTEST_GUILESS_MAIN(tst_Retained)
#include "tst_retained.moc"
