// SPDX-License-Identifier: MIT
// Listener and broadcaster in one process: delivery, its guarantees, and the errors a
// user can cause.
#include <XDMessaging/xdmessaging.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtCore/QTemporaryDir>
#include <QtCore/QMutex>
#include <QtCore/QThread>
#include <QtTest/QtTest>

#include <unistd.h>

namespace {

QString randomChannel()
{
    return QStringLiteral("test-") + QUuid::createUuid().toString(QUuid::Id128);
}

// A listener on two fresh channels: one that a test unregisters, one that it keeps.
struct TwoChannelListener
{
    const QString dropped = randomChannel();
    const QString kept = randomChannel();
    XDListener listener;
    bool registerBoth() { return listener.registerChannel(dropped) && listener.registerChannel(kept); }
};

QString channelAndText(const XDMessage &message)
{
    return message.channel() + QLatin1Char(':') + message.text();
}

} // namespace

class tst_Listener : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void ownBroadcastArrives();
    void timestampIsWhenItWasSent();
    void readyAsSoonAsALocalChannelIsRegistered();
    void staticSendFireAndForget();
    void binaryAndJsonPayloads();
    void invalidUtf8TextIsRefusedAndCostsNothing();
    void orderKeptAndIdsUnique();
    void unregisterStopsDelivery();
    void unregisterDropsMessagesInFlight();
    void unregisterFromASlotDropsWhatIsQueued();
    void registerTwiceIsHarmless();
    void largeMessagesArriveIntact_data();
    void largeMessagesArriveIntact();
    void largeMessagesGoThroughSharedMemoryInOrder();
    void listenersAreListed();
    void flushWaitsForTheKernel();
    void flushTimesOutWhileNobodyReads();
    void deliveryFailedWhenListenerGoesAway();
    void deliveryFailedPromptlyForASingleMessage();
    void messagesRefusedToAStalledListenerAreLossesToIt();
    void unavailableTransportsAreClearErrors();
    void bogusTransportVariable();
    void concurrentSendersFromThreads();
    void listenerDeletedFromItsOwnSlot();
    void messagesCrossThreadsThroughQueuedConnections();

private:
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
};

void tst_Listener::initTestCase()
{
    qRegisterMetaType<XDMessage>();
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("DISPLAY"); // these tests are about the local-socket transport
}

void tst_Listener::init()
{
    // A directory per test: no test sees another's listeners.
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_runtimeDir->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
}

void tst_Listener::ownBroadcastArrives()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY2(listener.registerChannel(channel), qPrintable(listener.errorString()));
    QSignalSpy received(&listener, &XDListener::messageReceived);

    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("grüße"));
    QVERIFY2(result, qPrintable(result.errorString()));
    QCOMPARE(result.listenersReached(), 1);
    QCOMPARE(result.listenersFailed(), 0);

    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
    const XDMessage message = received.at(0).at(0).value<XDMessage>();
    QCOMPARE(message.channel(), channel);
    QCOMPARE(message.text(), QStringLiteral("grüße"));
    QCOMPARE(message.payloadType(), XDMessage::PayloadType::Text);
    QCOMPARE(message.senderPid(), qint64(::getpid()));
    QCOMPARE(message.senderName(), QCoreApplication::applicationName());
    QCOMPARE(message.transport(), XDTransport::LocalSocket);
    QVERIFY(!message.id().isNull());
    QVERIFY(qAbs(message.timestamp().msecsTo(QDateTime::currentDateTimeUtc())) < 60000);
}

// The timestamp comes from the send's steady-clock reading and an offset to the wall
// clock: it must still be the wall-clock time of the send, to the millisecond.
void tst_Listener::timestampIsWhenItWasSent()
{
    TwoChannelListener two;
    QVERIFY(two.registerBoth());
    QSignalSpy received(&two.listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    constexpr int Sent = 5;
    QList<std::pair<qint64, qint64>> sendTimes; // wall clock just before and just after
    for (int i = 0; i < Sent; ++i) {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        QVERIFY(broadcaster.sendToChannel(two.kept, QString::number(i)));
        sendTimes.append({before, QDateTime::currentMSecsSinceEpoch()});
        QTest::qSleep(60); // across the offset's 100 ms, read again on the way
    }
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), Sent, 5000);
    for (int i = 0; i < Sent; ++i) {
        const qint64 stamped = received.at(i).at(0).value<XDMessage>().timestamp().toMSecsSinceEpoch();
        // One millisecond either side: the two clocks' offset is read a moment apart.
        QVERIFY2(stamped >= sendTimes.at(i).first - 1 && stamped <= sendTimes.at(i).second + 1,
                 qPrintable(QStringLiteral("message %1 stamped %2, sent between %3 and %4")
                                    .arg(i)
                                    .arg(stamped)
                                    .arg(sendTimes.at(i).first)
                                    .arg(sendTimes.at(i).second)));
    }
}

// Locally a channel is live when registerChannel() returns: ready at once, and the
// notification comes before the call returns, like channelsChanged().
void tst_Listener::readyAsSoonAsALocalChannelIsRegistered()
{
    XDListener listener(XDTransport::LocalSocket);
    QSignalSpy readyChanged(&listener, &XDListener::readyChanged);
    QVERIFY(!listener.isReady());
    QVERIFY(listener.registerChannel(QStringLiteral("ready-a")));
    QVERIFY(listener.isReady());
    QCOMPARE(readyChanged.count(), 1);
    QVERIFY(listener.registerChannel(QStringLiteral("ready-b")));
    QCOMPARE(readyChanged.count(), 1);
    QVERIFY(listener.unregisterChannel(QStringLiteral("ready-a")));
    QVERIFY(listener.isReady());
    QVERIFY(listener.unregisterChannel(QStringLiteral("ready-b")));
    QVERIFY(!listener.isReady());
    QCOMPARE(readyChanged.count(), 2);
    QCOMPARE(listener.property("ready").toBool(), false);
}

void tst_Listener::staticSendFireAndForget()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    const XDSendResult result = XDBroadcaster::send(channel, QStringLiteral("shutdown"));
    QVERIFY2(result, qPrintable(result.errorString()));
    QCOMPARE(result.listenersReached(), 1);
    // The classic call from the original library compiles and works too.
    XDBroadcaster broadcaster;
    QVERIFY(broadcaster.sendToChannel(channel, "shutdown"));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("shutdown"));
}

void tst_Listener::binaryAndJsonPayloads()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    const QByteArray binary("\x00\xff\xfe\x01", 4);
    QVERIFY(broadcaster.sendToChannel(channel, binary));
    QVERIFY(broadcaster.sendToChannel(channel, QJsonDocument(QJsonObject {{QStringLiteral("x"), 42}})));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    const XDMessage first = received.at(0).at(0).value<XDMessage>();
    QCOMPARE(first.payload(), binary);
    QCOMPARE(first.payloadType(), XDMessage::PayloadType::Binary);
    QVERIFY(!first.isValidUtf8());
    const XDMessage second = received.at(1).at(0).value<XDMessage>();
    QCOMPARE(second.payloadType(), XDMessage::PayloadType::Json);
    QCOMPARE(second.json().object().value(QStringLiteral("x")).toInt(), 42);
}

// Text that is not UTF-8 is refused at the sender, with a clear error; the listener gets
// every valid message before and after it. The other text overloads cannot carry
// invalid UTF-8 at all: what they send reads back as valid text.
void tst_Listener::invalidUtf8TextIsRefusedAndCostsNothing()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    for (int i = 0; i < 100; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("before %1").arg(i)).listenersReached(), 1);
    const XDSendResult refused = broadcaster.sendToChannel(channel, "\xff\xfe not utf-8");
    QVERIFY(!refused);
    QCOMPARE(refused.error(), XDError::InvalidPayload);
    QVERIFY2(refused.errorString().contains(u"not valid UTF-8"), qPrintable(refused.errorString()));
    QCOMPARE(refused.listenersReached(), 0);
    QVERIFY(broadcaster.sendToChannel(channel, "valid UTF-8: gr\xc3\xbc\xc3\x9f"));
    const QString loneSurrogate(QChar(0xD800));
    QVERIFY(broadcaster.sendToChannel(channel, loneSurrogate));
    for (int i = 0; i < 100; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("after %1").arg(i)).listenersReached(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 202, 10000);
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(received.at(i).at(0).value<XDMessage>().text(), QStringLiteral("before %1").arg(i));
        QCOMPARE(received.at(102 + i).at(0).value<XDMessage>().text(), QStringLiteral("after %1").arg(i));
    }
    QCOMPARE(received.at(100).at(0).value<XDMessage>().text(), QString::fromUtf8("valid UTF-8: gr\xc3\xbc\xc3\x9f"));
    QVERIFY(received.at(101).at(0).value<XDMessage>().isValidUtf8());
}

void tst_Listener::orderKeptAndIdsUnique()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QStringList texts;
    QSet<QUuid> ids;
    connect(&listener, &XDListener::messageReceived, this, [&](const XDMessage &message) {
        texts.append(message.text());
        ids.insert(message.id());
    });
    XDBroadcaster broadcaster;
    constexpr int Count = 20000;
    for (int i = 0; i < Count; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)));
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), Count, 20000);
    for (int i = 0; i < Count; ++i)
        QCOMPARE(texts.at(i), QString::number(i));
    QCOMPARE(ids.size(), Count);
}

void tst_Listener::unregisterStopsDelivery()
{
    TwoChannelListener two;
    QVERIFY(two.registerBoth());
    QSignalSpy received(&two.listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    QVERIFY(broadcaster.sendToChannel(two.dropped, QStringLiteral("before")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);

    QVERIFY(two.listener.unregisterChannel(two.dropped));
    QCOMPARE(two.listener.channels(), QStringList {two.kept});
    QCOMPARE(broadcaster.sendToChannel(two.dropped, QStringLiteral("after")).listenersReached(), 0);
    QVERIFY(broadcaster.sendToChannel(two.kept, QStringLiteral("marker")));
    // The marker travels behind anything sent before it, on the same connection.
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("marker"));

    QVERIFY(!two.listener.unregisterChannel(two.dropped));
    QVERIFY(two.listener.errorString().contains(two.dropped));
}

// Messages already sent, even already in this process's socket buffer, are not delivered
// once unregisterChannel() has returned.
void tst_Listener::unregisterDropsMessagesInFlight()
{
    TwoChannelListener two;
    QVERIFY(two.registerBoth());
    QStringList texts;
    connect(&two.listener, &XDListener::messageReceived, this,
            [&](const XDMessage &message) { texts.append(channelAndText(message)); });
    XDBroadcaster broadcaster;
    constexpr int InFlight = 100;
    for (int i = 0; i < InFlight; ++i)
        QCOMPARE(broadcaster.sendToChannel(two.dropped, QString::number(i)).listenersReached(), 1);
    // Handed to the kernel, but not read: this thread has not returned to its event loop.
    QVERIFY(broadcaster.flush(5000));
    QVERIFY(texts.isEmpty());

    QVERIFY(two.listener.unregisterChannel(two.dropped));
    QVERIFY(broadcaster.sendToChannel(two.kept, QStringLiteral("marker")));
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1, 5000);
    QCOMPARE(texts.first(), two.kept + QStringLiteral(":marker"));
}

// Frames are taken from the socket several at a time and queued for the slots: a slot that
// unregisters a channel gets none of its messages queued behind the one it is handling,
// while those of the listener's other channels still come.
void tst_Listener::unregisterFromASlotDropsWhatIsQueued()
{
    TwoChannelListener two;
    QVERIFY(two.registerBoth());
    QStringList texts;
    connect(&two.listener, &XDListener::messageReceived, this, [&](const XDMessage &message) {
        texts.append(channelAndText(message));
        if (message.channel() == two.dropped)
            QVERIFY(two.listener.unregisterChannel(two.dropped));
    });
    XDBroadcaster broadcaster;
    constexpr int Sent = 40;
    for (int i = 0; i < Sent; ++i) {
        QCOMPARE(broadcaster.sendToChannel(two.dropped, QString::number(i)).listenersReached(), 1);
        QCOMPARE(broadcaster.sendToChannel(two.kept, QString::number(i)).listenersReached(), 1);
    }
    QVERIFY(broadcaster.flush(5000));
    QTRY_COMPARE_WITH_TIMEOUT(texts.size(), 1 + Sent, 10000);
    QCOMPARE(texts.first(), two.dropped + QStringLiteral(":0"));
    for (int i = 0; i < Sent; ++i)
        QCOMPARE(texts.at(1 + i), two.kept + QLatin1Char(':') + QString::number(i));
    QCOMPARE(two.listener.channels(), QStringList {two.kept});
}

void tst_Listener::registerTwiceIsHarmless()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QVERIFY(listener.registerChannel(channel));
    QCOMPARE(listener.channels(), QStringList {channel});
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("once")).listenersReached(), 1);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("marker")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("once"));
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("marker"));
}

void tst_Listener::largeMessagesArriveIntact_data()
{
    QTest::addColumn<int>("size");
    QTest::newRow("1 byte") << 1;
    QTest::newRow("64 KiB") << 64 * 1024;
    QTest::newRow("1 MiB") << 1024 * 1024;
    QTest::newRow("16 MiB, the limit") << int(XDBroadcaster::DefaultMaximumMessageSize);
}

void tst_Listener::largeMessagesArriveIntact()
{
    QFETCH(int, size);
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char((quint32(i) * 131u) >> 3);
    XDBroadcaster broadcaster;
    QVERIFY(broadcaster.sendToChannel(channel, payload));
    QVERIFY(broadcaster.sendToChannel(channel, payload.left(7)));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 20000);
    QVERIFY(received.at(0).at(0).value<XDMessage>().payload() == payload);
    QVERIFY(received.at(1).at(0).value<XDMessage>().payload() == payload.left(7));
}

namespace {

// Mappings of the shared memory the local socket passes large payloads in: the sender's
// and, once it got the descriptor, the listener's.
int sharedPayloadMappings()
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly))
        return -1;
    return int(maps.readAll().count("memfd:xdmessaging-payloads"));
}

QByteArray numberedPayload(int number, int size)
{
    QByteArray payload(size, Qt::Uninitialized);
    for (int i = 0; i < size; ++i)
        payload[i] = char((quint32(i) * 131u + quint32(number)) >> 3);
    return payload;
}

} // namespace

// More large messages than the shared memory holds, mixed with small ones and one larger
// than all of it, sent while the listener does not read: the sends are taken (the queue
// limit allows them), what finds no room in the shared memory waits for it, and all
// arrive once, in order, intact. The memory is let go with the listener.
void tst_Listener::largeMessagesGoThroughSharedMemoryInOrder()
{
    // The rings of earlier tests go with their connections, once the sender saw their
    // listeners leave.
    QTRY_COMPARE_WITH_TIMEOUT(sharedPayloadMappings(), 0, 5000);
    const QString channel = randomChannel();
    auto listener = std::make_unique<XDListener>();
    QVERIFY(listener->registerChannel(channel));
    QSignalSpy received(listener.get(), &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    QList<QByteArray> sent;
    for (int i = 0; i < 30; ++i) {
        const int size = i == 15 ? 9 * 1024 * 1024 : i % 3 == 0 ? 1024 * 1024 + i : i % 3 == 1 ? 300 * 1024 + i : 100;
        sent.append(numberedPayload(i, size));
        QCOMPARE(broadcaster.sendToChannel(channel, sent.last()).listenersReached(), 1);
    }
    QCOMPARE(sharedPayloadMappings(), 1); // the sender's; the listener has not read yet
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), sent.size(), 20000);
    for (int i = 0; i < sent.size(); ++i)
        QVERIFY2(received.at(i).at(0).value<XDMessage>().payload() == sent.at(i), qPrintable(QString::number(i)));
    QCOMPARE(sharedPayloadMappings(), 2);
    QVERIFY(broadcaster.flush(5000));
    QTest::qWait(100);
    QCOMPARE(received.size(), sent.size()); // and no more

    listener.reset();
    QTRY_COMPARE_WITH_TIMEOUT(sharedPayloadMappings(), 0, 5000); // the sender's goes with the connection
}

void tst_Listener::listenersAreListed()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QVERIFY(listener.registerChannel(QStringLiteral("second")));
    const QList<XDListenerInfo> listeners = XDBroadcaster().listeners();
    QCOMPARE(listeners.size(), 1);
    QCOMPARE(listeners.first().id(), listener.id());
    QCOMPARE(listeners.first().pid(), qint64(::getpid()));
    QCOMPARE(listeners.first().channels(), (QStringList {channel, QStringLiteral("second")}));
    QCOMPARE(listeners.first().transports(), QList<XDTransport> {XDTransport::LocalSocket});
    QCOMPARE(listeners.first().name(), QCoreApplication::applicationName());
    QCOMPARE(listener.activeTransports(), QList<XDTransport> {XDTransport::LocalSocket});

    // The listing follows the listener: fewer channels, then gone.
    XDBroadcaster broadcaster;
    QVERIFY(listener.unregisterChannel(channel));
    QCOMPARE(broadcaster.listeners().first().channels(), QStringList {QStringLiteral("second")});
    {
        XDListener other;
        QVERIFY(other.registerChannel(channel));
        QCOMPARE(broadcaster.listeners().size(), 2);
    }
    QCOMPARE(broadcaster.listeners().size(), 1);
    QCOMPARE(broadcaster.listeners().first().id(), listener.id());
}

void tst_Listener::flushWaitsForTheKernel()
{
    XDBroadcaster idle;
    QVERIFY(idle.flush(0)); // nothing sent, nothing to wait for

    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    for (int i = 0; i < 10; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QString::number(i)));
    // Handed over means written to the kernel, not read by the listener: this thread has
    // not run its event loop, yet flush() succeeds.
    QVERIFY(broadcaster.flush(5000));
    QCOMPARE(received.size(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 10, 5000);
}

void tst_Listener::flushTimesOutWhileNobodyReads()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    // Far more than a socket buffer holds; the listener reads only in this thread's event
    // loop, which does not run while flush() waits.
    constexpr int Count = 40;
    const QByteArray chunk(256 * 1024, 'q');
    for (int i = 0; i < Count; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, chunk).listenersReached(), 1);
    QElapsedTimer waited;
    waited.start();
    QVERIFY(!broadcaster.flush(200));
    QVERIFY2(waited.elapsed() >= 190, qPrintable(QString::number(waited.elapsed())));
    QVERIFY2(waited.elapsed() < 5000, qPrintable(QString::number(waited.elapsed())));

    QTRY_COMPARE_WITH_TIMEOUT(received.size(), Count, 20000);
    QVERIFY(broadcaster.flush(5000));
}

// One message, written at once by the sending thread (the sender was idle), so that the
// library's I/O thread had nothing to write: it still watches the connection, and the
// loss is reported when the listener goes, not at some later wake-up.
void tst_Listener::deliveryFailedPromptlyForASingleMessage()
{
    // The sending side exists, and its I/O thread sleeps with no connection to watch.
    QCOMPARE(XDBroadcaster().sendToChannel(randomChannel(), QStringLiteral("nobody")).listenersReached(), 0);
    QTest::qWait(50);
    const QString channel = randomChannel();
    auto listener = std::make_unique<XDListener>();
    QVERIFY(listener->registerChannel(channel));
    XDBroadcaster broadcaster;
    QSignalSpy failed(&broadcaster, &XDBroadcaster::deliveryFailed);
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("only")).listenersReached(), 1);
    QVERIFY(broadcaster.flush(5000));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("1 messages lost")));
    listener.reset(); // goes away without reading it
    QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 5000);
    QCOMPARE(failed.first().at(1).toInt(), 1);
}

// A listener that does not read makes sends fail (queue limit, no wait); once it reads
// again, the next message it gets shows the gap in its sender's numbers: messagesLost()
// counts exactly the messages refused, and nothing else is missing or repeated.
void tst_Listener::messagesRefusedToAStalledListenerAreLossesToIt()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QSignalSpy lost(&listener, &XDListener::messagesLost);
    XDBroadcaster broadcaster;
    broadcaster.setQueueLimit(1024 * 1024);
    broadcaster.setSendTimeout(0);
    // The listener reads only in this thread's event loop, which does not run here.
    const QByteArray chunk(64 * 1024, 'r');
    int accepted = 0;
    int refused = 0;
    for (int i = 0; i < 200; ++i) {
        const XDSendResult result = broadcaster.sendToChannel(channel, chunk);
        if (result.listenersReached() == 1)
            ++accepted;
        else
            ++refused;
        QCOMPARE(result.listenersReached() + result.listenersFailed(), 1);
    }
    QVERIFY2(refused > 0 && accepted > 0, qPrintable(QStringLiteral("%1 %2").arg(accepted).arg(refused)));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), accepted, 20000);
    QVERIFY(broadcaster.flush(5000));
    // The last gap shows with the next message. (The I/O thread may free room while the
    // loop runs, so refused and accepted messages can alternate: several gaps, then.)
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("after")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), accepted + 1, 5000);
    QVERIFY(!lost.isEmpty());
    qint64 totalLost = 0;
    for (const QList<QVariant> &report : std::as_const(lost)) {
        QCOMPARE(report.at(0).toString(), channel);
        totalLost += report.at(1).toLongLong();
    }
    QCOMPARE(totalLost, qint64(refused));
    QCOMPARE(listener.error(), XDError::MessagesLost);
}

void tst_Listener::deliveryFailedWhenListenerGoesAway()
{
    const QString channel = randomChannel();
    auto listener = std::make_unique<XDListener>();
    QVERIFY(listener->registerChannel(channel));
    const QString shortId = listener->id().toString(QUuid::Id128).left(8);
    XDBroadcaster broadcaster;
    QSignalSpy failed(&broadcaster, &XDBroadcaster::deliveryFailed);
    constexpr int Count = 40;
    const QByteArray chunk(256 * 1024, 'l');
    for (int i = 0; i < Count; ++i)
        QCOMPARE(broadcaster.sendToChannel(channel, chunk).listenersReached(), 1);
    QVERIFY(!broadcaster.flush(0)); // most of it still queued: nobody has read yet

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("messages lost")));
    listener.reset(); // goes away without reading a byte
    QTRY_VERIFY_WITH_TIMEOUT(!failed.isEmpty(), 5000);
    int lost = 0;
    for (const QList<QVariant> &report : std::as_const(failed)) {
        const QString description = report.at(0).toString();
        QVERIFY2(description.contains(QStringLiteral("pid %1").arg(::getpid())), qPrintable(description));
        QVERIFY2(description.contains(shortId), qPrintable(description));
        QVERIFY(!report.at(2).toString().isEmpty());
        lost += report.at(1).toInt();
    }
    QVERIFY2(lost > 0 && lost <= Count, qPrintable(QString::number(lost)));
    // What was lost is no longer pending.
    QVERIFY(broadcaster.flush(1000));
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("after")).listenersReached(), 0);
}

void tst_Listener::unavailableTransportsAreClearErrors()
{
    // No display in this test (DISPLAY is unset), and no Redis configured.
    for (const XDTransport transport : {XDTransport::NativeWindow, XDTransport::Network}) {
        XDListener listener(transport);
        QVERIFY(!listener.registerChannel(QStringLiteral("c")));
        QCOMPARE(listener.error(), XDError::TransportUnavailable);
        QVERIFY2(listener.errorString().contains(xdTransportName(transport)), qPrintable(listener.errorString()));
        const XDSendResult result = XDBroadcaster(transport).sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
        QCOMPARE(result.error(), XDError::TransportUnavailable);
        QVERIFY(!result.errorString().isEmpty());
    }
}

void tst_Listener::bogusTransportVariable()
{
    qputenv("XDMESSAGING_TRANSPORT", "carrier-pigeon");
    XDListener listener;
    const bool registered = listener.registerChannel(QStringLiteral("c"));
    const XDSendResult result = XDBroadcaster().sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
    qunsetenv("XDMESSAGING_TRANSPORT");
    QVERIFY(!registered);
    QCOMPARE(listener.error(), XDError::TransportUnavailable);
    QVERIFY2(listener.errorString().contains(QStringLiteral("XDMESSAGING_TRANSPORT")),
             qPrintable(listener.errorString()));
    QCOMPARE(result.error(), XDError::TransportUnavailable);
    // An explicit transport is not overridden by the variable.
    qputenv("XDMESSAGING_TRANSPORT", "carrier-pigeon");
    XDListener explicitListener(XDTransport::LocalSocket);
    const bool explicitRegistered = explicitListener.registerChannel(QStringLiteral("c"));
    qunsetenv("XDMESSAGING_TRANSPORT");
    QVERIFY(explicitRegistered);
}

void tst_Listener::concurrentSendersFromThreads()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QHash<QString, int> nextBySender;
    int outOfOrder = 0;
    int total = 0;
    connect(&listener, &XDListener::messageReceived, this, [&](const XDMessage &message) {
        const QStringList parts = message.text().split(QLatin1Char(':'));
        int &next = nextBySender[parts.at(0)];
        if (parts.at(1).toInt() != next)
            ++outOfOrder;
        next = parts.at(1).toInt() + 1;
        ++total;
    });
    constexpr int Threads = 4;
    constexpr int PerThread = 5000;
    XDBroadcaster shared; // one broadcaster, used from every thread at once
    std::atomic<int> failures {0};
    QList<QThread *> threads;
    for (int t = 0; t < Threads; ++t) {
        threads.append(QThread::create([&shared, &failures, channel, t] {
            for (int i = 0; i < PerThread; ++i) {
                if (!shared.sendToChannel(channel, QStringLiteral("t%1:%2").arg(t).arg(i)))
                    ++failures;
            }
        }));
        threads.last()->start();
    }
    for (QThread *thread : std::as_const(threads)) {
        QVERIFY(thread->wait(30000));
        delete thread;
    }
    QCOMPARE(failures.load(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(total, Threads * PerThread, 30000);
    QCOMPARE(outOfOrder, 0);
    QCOMPARE(nextBySender.size(), Threads);
}

void tst_Listener::listenerDeletedFromItsOwnSlot()
{
    const QString channel = randomChannel();
    auto *listener = new XDListener;
    QVERIFY(listener->registerChannel(channel));
    QPointer<XDListener> guard(listener);
    int delivered = 0;
    connect(listener, &XDListener::messageReceived, this, [&](const XDMessage &) {
        ++delivered;
        delete listener; // the rest of the buffered batch must not touch it
    });
    XDBroadcaster broadcaster;
    for (int i = 0; i < 100; ++i)
        QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("m")));
    QTRY_VERIFY_WITH_TIMEOUT(guard.isNull(), 5000);
    QCOMPARE(delivered, 1);
    // Its endpoint is gone: later sends reach nobody.
    QTRY_COMPARE_WITH_TIMEOUT(broadcaster.sendToChannel(channel, QStringLiteral("m")).listenersReached(), 0, 5000);
}

void tst_Listener::messagesCrossThreadsThroughQueuedConnections()
{
    const QString channel = randomChannel();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QThread worker;
    QObject receiver;
    receiver.moveToThread(&worker);
    worker.start();
    QStringList texts;
    QMutex mutex;
    connect(
            &listener, &XDListener::messageReceived, &receiver,
            [&](const XDMessage &message) {
                QMutexLocker lock(&mutex);
                texts.append(message.text() + QLatin1Char('@') + message.channel());
            },
            Qt::QueuedConnection);
    XDBroadcaster broadcaster;
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("across")));
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QMutexLocker lock(&mutex);
                return texts.size() == 1;
            }(),
            5000);
    worker.quit();
    QVERIFY(worker.wait(5000));
    QCOMPARE(texts.first(), QStringLiteral("across@") + channel);
}

QTEST_GUILESS_MAIN(tst_Listener)
#include "tst_listener.moc"
