// SPDX-License-Identifier: MIT
// Slots may do anything: delete the listener or the broadcaster that emitted the signal,
// or run a nested event loop (a modal dialog). Run under AddressSanitizer in CI, where a
// use after free fails the test.
#include "peerprocess.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <ctime>

namespace {

QString randomChannel()
{
    return QStringLiteral("reentrancy-") + QUuid::createUuid().toString(QUuid::Id128);
}

qint64 processCpuMs()
{
    timespec now {};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
}

} // namespace

class tst_Reentrancy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void deletedFromMessageReceived();
    void deletedFromErrorOccurredOfAnApiCall();
    void deletedFromErrorOccurredOfTheNetwork();
    void deletedFromNetworkStateChanged();
    void broadcasterDeletedFromDeliveryFailed();
    void nestedEventLoopInASlot();

private:
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
};

void tst_Reentrancy::initTestCase()
{
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("XDMESSAGING_REDIS_URL");
    qunsetenv("DISPLAY"); // the local socket; the network where Redis is the subject
}

void tst_Reentrancy::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
}

// The first message deletes the listener; the ones behind it in the same read are never
// delivered to a listener that is gone.
void tst_Reentrancy::deletedFromMessageReceived()
{
    const QString channel = randomChannel();
    QPointer<XDListener> listener = new XDListener;
    QVERIFY(listener->registerChannel(channel));
    int received = 0;
    connect(listener, &XDListener::messageReceived, listener, [&] {
        ++received;
        delete listener;
    });
    XDBroadcaster broadcaster;
    for (int i = 0; i < 100; ++i)
        broadcaster.sendToChannel(channel, QStringLiteral("m%1").arg(i));
    QTRY_VERIFY(listener.isNull());
    QTest::qWait(100);
    QCOMPARE(received, 1);
}

// setChannels() fails for one name; the slot of errorOccurred() deletes the listener,
// which must not be in the middle of setChannels() by then.
void tst_Reentrancy::deletedFromErrorOccurredOfAnApiCall()
{
    QPointer<XDListener> listener = new XDListener(XDTransport::LocalSocket);
    connect(listener, &XDListener::errorOccurred, listener, [&] { delete listener; });
    connect(listener, &XDListener::errorStringChanged, listener, [&] { delete listener; });
    listener->setChannels({randomChannel(), QStringLiteral("bad\nname"), randomChannel()});
    QTRY_VERIFY(listener.isNull());
}

void tst_Reentrancy::deletedFromErrorOccurredOfTheNetwork()
{
    if (!XDNetworkSettings::isBuiltIn())
        QSKIP("built without the network transport");
    XDNetworkSettings::setRedisUrl(QStringLiteral("redis://127.0.0.1:1")); // nothing listens there
    QPointer<XDListener> listener = new XDListener(XDTransport::Network);
    connect(listener, &XDListener::errorOccurred, listener, [&] { delete listener; });
    listener->registerChannel(randomChannel());
    QTRY_VERIFY_WITH_TIMEOUT(listener.isNull(), 10000);
    QTest::qWait(200); // whatever the transport still had to do, it does without it
    XDNetworkSettings::setRedisUrl(QString());
}

void tst_Reentrancy::deletedFromNetworkStateChanged()
{
    if (!XDNetworkSettings::isBuiltIn())
        QSKIP("built without the network transport");
    XDNetworkSettings::setRedisUrl(QStringLiteral("redis://127.0.0.1:1"));
    for (const XDNetworkState deleteOn : {XDNetworkState::Connecting, XDNetworkState::Disconnected}) {
        QPointer<XDListener> listener = new XDListener(XDTransport::Network);
        connect(listener, &XDListener::networkStateChanged, listener, [&](XDNetworkState state) {
            if (state == deleteOn)
                delete listener;
        });
        listener->registerChannel(randomChannel());
        QTRY_VERIFY_WITH_TIMEOUT(listener.isNull(), 10000);
        QTest::qWait(200);
    }
    XDNetworkSettings::setRedisUrl(QString());
}

void tst_Reentrancy::broadcasterDeletedFromDeliveryFailed()
{
    const QString channel = randomChannel();
    auto listener = std::make_unique<XDListener>();
    QVERIFY(listener->registerChannel(channel));
    QPointer<XDBroadcaster> broadcaster = new XDBroadcaster;
    int reports = 0;
    connect(broadcaster, &XDBroadcaster::deliveryFailed, broadcaster, [&] {
        ++reports;
        delete broadcaster;
    });
    const QByteArray chunk(256 * 1024, 'd');
    for (int i = 0; i < 40; ++i)
        broadcaster->sendToChannel(channel, chunk);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("messages lost")));
    listener.reset(); // goes away without reading: what is queued for it is lost
    QTRY_VERIFY_WITH_TIMEOUT(broadcaster.isNull(), 10000);
    QCOMPARE(reports, 1);
}

// A slot runs a 2 s nested event loop (a modal dialog would) while two sender processes
// send 500 messages each: every message arrives once, in each sender's order, after the
// slot returned, and the process does not spin meanwhile.
void tst_Reentrancy::nestedEventLoopInASlot()
{
    const QString channel = randomChannel();
    XDListener listener(XDTransport::LocalSocket);
    QVERIFY(listener.registerChannel(channel));
    std::vector<std::unique_ptr<PeerProcess>> senders;
    QStringList received;
    qint64 loopWallMs = 0;
    qint64 loopCpuMs = 0;
    int receivedDuringLoop = -1;
    connect(&listener, &XDListener::messageReceived, this, [&](const XDMessage &message) {
        received.append(message.text());
        if (received.size() != 1)
            return;
        for (const QString &tag : {QStringLiteral("a"), QStringLiteral("b")}) {
            senders.push_back(std::make_unique<PeerProcess>(
                    QStringLiteral(TESTPEER_PATH), m_runtimeDir->path(),
                    QStringList {QStringLiteral("send"), channel, QStringLiteral("500"), tag}));
        }
        QElapsedTimer wall;
        wall.start();
        const qint64 cpuBefore = processCpuMs();
        QEventLoop loop;
        QTimer::singleShot(2000, &loop, &QEventLoop::quit);
        loop.exec();
        loopCpuMs = processCpuMs() - cpuBefore;
        loopWallMs = wall.elapsed();
        receivedDuringLoop = int(received.size());
    });
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("start")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1001, 30000);
    for (const auto &sender : senders) {
        QVERIFY(sender->waitForFinished(30000));
        QVERIFY2(sender->lastLine().startsWith(QStringLiteral("SENT 500 0")), qPrintable(sender->lastLine()));
    }
    QTest::qWait(200);
    QCOMPARE(received.size(), 1001); // nothing twice
    QCOMPARE(receivedDuringLoop, 1); // nothing delivered into the running slot
    for (const QString &tag : {QStringLiteral("a"), QStringLiteral("b")}) {
        const QStringList fromSender = received.filter(QRegularExpression(QStringLiteral("^%1:").arg(tag)));
        QCOMPARE(fromSender.size(), 500);
        for (int i = 0; i < 500; ++i)
            QCOMPARE(fromSender.at(i), QStringLiteral("%1:%2").arg(tag).arg(i));
    }
    QVERIFY2(loopCpuMs * 5 < loopWallMs,
             qPrintable(QStringLiteral("%1 ms of CPU in %2 ms").arg(loopCpuMs).arg(loopWallMs)));
}

QTEST_GUILESS_MAIN(tst_Reentrancy)
#include "tst_reentrancy.moc"
