// SPDX-License-Identifier: MIT
// What the meta-object system knows of the library: enum names, gadget properties,
// QDebug output, and a NOTIFY signal for every property that can change.
#include <XDMessaging/xdmessaging.h>

#include <QtCore/QJsonObject>
#include <QtCore/QMetaEnum>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

template<typename T>
QString debugString(const T &value)
{
    QString text;
    QDebug(&text) << value;
    return text;
}

QString randomChannel()
{
    return QStringLiteral("api-") + QUuid::createUuid().toString(QUuid::Id128);
}

// Connects a spy to the NOTIFY signal of object's property name.
std::unique_ptr<QSignalSpy> notifySpy(QObject *object, const char *name)
{
    const QMetaObject *meta = object->metaObject();
    const QMetaProperty property = meta->property(meta->indexOfProperty(name));
    if (!property.isValid() || !property.hasNotifySignal())
        return nullptr;
    return std::make_unique<QSignalSpy>(object, property.notifySignal());
}

} // namespace

class tst_QtApi : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void enumsHaveNames();
    void debugPrintsEnumNames();
    void debugPrintsAMessage();
    void debugPrintsResultsAndListeners();
    void createdMessageIsAGadget();
    void jsonPropertyHoldsAnyJsonValue();
    void everyChangeableListenerPropertyNotifies();
    void listenerPropertiesNotifyOnlyOnChange();
    void listenerErrorStringNotifies();
    void listenerKeepsListeningAcrossSetTransport();
    void listenerNetworkStateNotifies();
    void everyChangeableBroadcasterPropertyNotifies();
    void broadcasterSetTransportKeepsWhatWasQueued();
    void listenerInfoIsAValueType();

private:
    QTemporaryDir m_runtimeDir;
};

void tst_QtApi::initTestCase()
{
    QVERIFY(m_runtimeDir.isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", m_runtimeDir.path().toLocal8Bit());
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("XDMESSAGING_REDIS_URL");
}

void tst_QtApi::enumsHaveNames()
{
    const QMetaEnum transport = QMetaEnum::fromType<XDTransport>();
    QCOMPARE(transport.keyCount(), 4);
    QCOMPARE(transport.valueToKey(int(XDTransport::Auto)), "Auto");
    QCOMPARE(transport.valueToKey(int(XDTransport::NativeWindow)), "NativeWindow");
    QCOMPARE(transport.valueToKey(int(XDTransport::LocalSocket)), "LocalSocket");
    QCOMPARE(transport.valueToKey(int(XDTransport::Network)), "Network");

    const QMetaEnum error = QMetaEnum::fromType<XDError>();
    const QList<QByteArray> errorNames = {"NoError",
                                          "InvalidChannelName",
                                          "MessageTooLarge",
                                          "TransportUnavailable",
                                          "RuntimeDirectoryError",
                                          "ListenerUnreachable",
                                          "ListenerNotReading",
                                          "MessagesLost",
                                          "InvalidPayload",
                                          "NotARequest"};
    QCOMPARE(error.keyCount(), errorNames.size());
    for (int value = 0; value < errorNames.size(); ++value)
        QCOMPARE(error.valueToKey(value), errorNames.at(value).constData());

    const QMetaEnum state = QMetaEnum::fromType<XDNetworkState>();
    QCOMPARE(state.keyCount(), 4);
    QCOMPARE(state.keyToValue("Disconnected"), int(XDNetworkState::Disconnected));

    const QMetaEnum payload = QMetaEnum::fromType<XDMessage::PayloadType>();
    QCOMPARE(payload.keyCount(), 3);
    QCOMPARE(payload.valueToKey(int(XDMessage::PayloadType::Json)), "Json");
}

void tst_QtApi::debugPrintsEnumNames()
{
    QVERIFY2(debugString(XDTransport::LocalSocket).contains(u"LocalSocket"),
             qPrintable(debugString(XDTransport::LocalSocket)));
    QVERIFY(debugString(XDError::MessagesLost).contains(u"MessagesLost"));
    QVERIFY(debugString(XDNetworkState::Connected).contains(u"Connected"));
}

void tst_QtApi::debugPrintsAMessage()
{
    const XDMessage message = XDMessage::create(QStringLiteral("commands"), QStringLiteral("shutdown"));
    const QString printed = debugString(message);
    QVERIFY2(printed.contains(u"commands"), qPrintable(printed));
    QVERIFY2(printed.contains(QCoreApplication::applicationName()), qPrintable(printed));
    QVERIFY2(printed.contains(QString::number(QCoreApplication::applicationPid())), qPrintable(printed));
    QVERIFY2(printed.contains(u"8 bytes"), qPrintable(printed));
    QVERIFY2(printed.contains(u"Text"), qPrintable(printed));
    QVERIFY(debugString(XDMessage()).startsWith(u"XDMessage()"));
}

void tst_QtApi::debugPrintsResultsAndListeners()
{
    const XDSendResult failed = XDSendResult::failure(XDError::MessageTooLarge, QStringLiteral("too big"));
    QVERIFY2(debugString(failed).contains(u"MessageTooLarge"), qPrintable(debugString(failed)));
    QVERIFY(debugString(failed).contains(u"too big"));
    QVERIFY(debugString(XDSendResult()).contains(u"ok"));

    XDListenerInfo info;
    info.setName(QStringLiteral("messenger"));
    info.setPid(4242);
    info.setTransports({XDTransport::LocalSocket, XDTransport::NativeWindow});
    info.setChannels({QStringLiteral("Status")});
    const QString printed = debugString(info);
    for (const QString &expected : {QStringLiteral("messenger"), QStringLiteral("4242"),
                                    QStringLiteral("localsocket,native"), QStringLiteral("Status")})
        QVERIFY2(printed.contains(expected), qPrintable(printed));
}

void tst_QtApi::createdMessageIsAGadget()
{
    const qint64 before = QDateTime::currentMSecsSinceEpoch();
    const XDMessage message = XDMessage::create(QStringLiteral("data"), QByteArray("\x01\x02", 2));
    QCOMPARE(message.channel(), QStringLiteral("data"));
    QCOMPARE(message.payloadType(), XDMessage::PayloadType::Binary);
    QCOMPARE(message.senderPid(), QCoreApplication::applicationPid());
    QCOMPARE(message.transport(), XDTransport::Auto);
    QVERIFY(!message.id().isNull());
    QVERIFY(message.timestamp().toMSecsSinceEpoch() >= before);
    QVERIFY(message.id() != XDMessage::create(QStringLiteral("data"), QByteArray()).id());

    const QMetaObject &meta = XDMessage::staticMetaObject;
    const QStringList names = {QStringLiteral("channel"),    QStringLiteral("text"),        QStringLiteral("payload"),
                               QStringLiteral("json"),       QStringLiteral("payloadType"), QStringLiteral("senderPid"),
                               QStringLiteral("senderName"), QStringLiteral("timestamp"),   QStringLiteral("id"),
                               QStringLiteral("transport")};
    for (const QString &name : names) {
        const QMetaProperty property = meta.property(meta.indexOfProperty(name.toLatin1().constData()));
        QVERIFY2(property.isValid(), qPrintable(name));
        QVERIFY2(!property.isWritable(), qPrintable(name));
    }
    const auto read = [&](const char *name) {
        return meta.property(meta.indexOfProperty(name)).readOnGadget(&message);
    };
    QCOMPARE(read("channel").toString(), QStringLiteral("data"));
    QCOMPARE(read("payload").toByteArray(), QByteArray("\x01\x02", 2));
    QCOMPARE(read("senderPid").toLongLong(), QCoreApplication::applicationPid());
    QCOMPARE(read("transport").value<XDTransport>(), XDTransport::Auto);
    QCOMPARE(read("id").toUuid(), message.id());
}

void tst_QtApi::jsonPropertyHoldsAnyJsonValue()
{
    const auto json = [](const char *text) {
        return XDMessage::create(QStringLiteral("j"), QByteArray(text), XDMessage::PayloadType::Json).jsonValue();
    };
    QCOMPARE(json(R"({"a":1})").toObject().value(u"a").toInt(), 1);
    QCOMPARE(json("[1,2,3]").toArray().size(), 3);
    QCOMPARE(json(" 42 ").toInt(), 42);
    QCOMPARE(json(R"("text")").toString(), QStringLiteral("text"));
    QVERIFY(json("true").toBool());
    QVERIFY(json("null").isNull());
    QVERIFY(json("not json").isUndefined());
    QVERIFY(json("1,2").isUndefined());
    QVERIFY(json("1] , [2").isUndefined());
    QVERIFY(XDMessage().jsonValue().isUndefined());
}

void tst_QtApi::everyChangeableListenerPropertyNotifies()
{
    XDListener listener(XDTransport::LocalSocket);
    const QMetaObject *meta = listener.metaObject();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        QVERIFY2(property.isConstant() || property.hasNotifySignal(), property.name());
    }
    const auto channels = notifySpy(&listener, "channels");
    const auto transport = notifySpy(&listener, "transport");
    const auto maximum = notifySpy(&listener, "maximumMessageSize");
    QVERIFY(channels && transport && maximum);

    QVERIFY(listener.registerChannel(randomChannel()));
    QCOMPARE(channels->count(), 1);
    listener.setChannels({randomChannel(), randomChannel()});
    QCOMPARE(channels->count(), 2);
    QCOMPARE(listener.channels().size(), 2);
    QVERIFY(listener.unregisterChannel(listener.channels().first()));
    QCOMPARE(channels->count(), 3);
    QVERIFY(listener.setProperty("channels", QStringList()));
    QCOMPARE(channels->count(), 4);
    QVERIFY(listener.channels().isEmpty());

    QVERIFY(listener.setProperty("transport", QVariant::fromValue(XDTransport::Auto)));
    QCOMPARE(transport->count(), 1);
    QCOMPARE(listener.property("transport").value<XDTransport>(), XDTransport::Auto);
    listener.setMaximumMessageSize(1024);
    QCOMPARE(maximum->count(), 1);
    QCOMPARE(listener.property("maximumMessageSize").toLongLong(), 1024);

    const auto name = notifySpy(&listener, "name");
    QVERIFY(name);
    QCOMPARE(listener.name(), QCoreApplication::applicationName());
    QVERIFY(listener.setProperty("name", QStringLiteral("renamed")));
    QVERIFY(listener.setProperty("name", QStringLiteral("renamed")));
    QCOMPARE(name->count(), 1);
    QCOMPARE(listener.name(), QStringLiteral("renamed"));
}

void tst_QtApi::listenerPropertiesNotifyOnlyOnChange()
{
    XDListener listener(XDTransport::LocalSocket);
    const QString channel = randomChannel();
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy channels(&listener, &XDListener::channelsChanged);
    QSignalSpy transport(&listener, &XDListener::transportChanged);
    QSignalSpy maximum(&listener, &XDListener::maximumMessageSizeChanged);
    QSignalSpy error(&listener, &XDListener::errorStringChanged);
    QVERIFY(listener.registerChannel(channel)); // already registered
    listener.setChannels({channel});
    listener.setTransport(XDTransport::LocalSocket);
    listener.setMaximumMessageSize(listener.maximumMessageSize());
    QCOMPARE(channels.count(), 0);
    QCOMPARE(transport.count(), 0);
    QCOMPARE(maximum.count(), 0);
    QCOMPARE(error.count(), 0);
}

void tst_QtApi::listenerErrorStringNotifies()
{
    XDListener listener(XDTransport::LocalSocket);
    QSignalSpy error(&listener, &XDListener::errorStringChanged);
    QSignalSpy occurred(&listener, &XDListener::errorOccurred);
    const QString good = randomChannel();
    listener.setChannels({good, QStringLiteral("bad\nname"), randomChannel()});
    // The good channels are registered; the failure stays visible once they are.
    QCOMPARE(listener.channels().size(), 2);
    QCOMPARE(listener.error(), XDError::InvalidChannelName);
    QVERIFY2(listener.errorString().contains(u"cannot register channel"), qPrintable(listener.errorString()));
    QCOMPARE(error.count(), 1); // when the call returns
    QCOMPARE(occurred.count(), 0); // from the event loop
    QTRY_COMPARE(occurred.count(), 1);
    QVERIFY(listener.registerChannel(good));
    QCOMPARE(listener.error(), XDError::NoError);
    QVERIFY(listener.errorString().isEmpty());
    QCOMPARE(error.count(), 2);
}

void tst_QtApi::listenerKeepsListeningAcrossSetTransport()
{
    XDListener listener(XDTransport::Auto);
    const QString channel = randomChannel();
    QVERIFY(listener.registerChannel(channel));
    const QUuid id = listener.id();
    listener.setTransport(XDTransport::LocalSocket);
    QCOMPARE(listener.activeTransports(), QList<XDTransport> {XDTransport::LocalSocket});
    QCOMPARE(listener.channels(), QStringList {channel});
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("after the switch"));
    QCOMPARE(result.listenersReached(), 1);
    QTRY_COMPARE(received.count(), 1);
    QCOMPARE(broadcaster.listeners().first().id(), id);
    QTest::qWait(100);
    QCOMPARE(received.count(), 1);
}

void tst_QtApi::listenerNetworkStateNotifies()
{
    if (!XDNetworkSettings::isBuiltIn())
        QSKIP("built without the network transport");
    XDNetworkSettings::setRedisUrl(QStringLiteral("redis://127.0.0.1:1")); // nothing listens there
    XDListener listener(XDTransport::Network);
    const auto state = notifySpy(&listener, "networkState");
    QVERIFY(state);
    listener.registerChannel(randomChannel());
    QTRY_VERIFY(state->count() >= 1);
    QTRY_COMPARE(listener.property("networkState").value<XDNetworkState>(), XDNetworkState::Disconnected);
    XDNetworkSettings::setRedisUrl(QString());
}

void tst_QtApi::everyChangeableBroadcasterPropertyNotifies()
{
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    const QMetaObject *meta = broadcaster.metaObject();
    for (int i = meta->propertyOffset(); i < meta->propertyCount(); ++i) {
        const QMetaProperty property = meta->property(i);
        QVERIFY2(property.hasNotifySignal(), property.name());
    }
    const struct
    {
        const char *name;
        QVariant value;
    } changes[] = {
            {"transport", QVariant::fromValue(XDTransport::Auto)},
            {"sendTimeout", 250},
            {"queueLimit", qint64(1024 * 1024)},
            {"maximumMessageSize", qint64(4096)},
            {"propagateToNetwork", true},
    };
    for (const auto &change : changes) {
        const auto spy = notifySpy(&broadcaster, change.name);
        QVERIFY2(spy, change.name);
        QVERIFY2(broadcaster.setProperty(change.name, change.value), change.name);
        QCOMPARE(broadcaster.property(change.name), change.value);
        QVERIFY2(spy->count() == 1, change.name);
        QVERIFY(broadcaster.setProperty(change.name, change.value));
        QVERIFY2(spy->count() == 1, change.name); // the same value again: no signal
    }
    // Propagation changes the network state, whose signal says so.
    QSignalSpy state(&broadcaster, &XDBroadcaster::networkStateChanged);
    broadcaster.setPropagateToNetwork(false);
    QVERIFY(state.count() >= 1);
    QCOMPARE(state.last().at(0).value<XDNetworkState>(), XDNetworkState::Off);
    QCOMPARE(broadcaster.networkState(), XDNetworkState::Off);
}

void tst_QtApi::broadcasterSetTransportKeepsWhatWasQueued()
{
    XDListener listener(XDTransport::LocalSocket);
    const QString channel = randomChannel();
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("one")).listenersReached(), 1);
    broadcaster.setTransport(XDTransport::Auto);
    QCOMPARE(broadcaster.transport(), XDTransport::Auto);
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("two")).listenersReached(), 1);
    QVERIFY(broadcaster.flush());
    QTRY_COMPARE(received.count(), 2);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("one"));
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("two"));
}

void tst_QtApi::listenerInfoIsAValueType()
{
    XDListenerInfo info;
    QVERIFY(info.id().isNull());
    QCOMPARE(info.pid(), 0);
    const QUuid id = QUuid::createUuid();
    info.setId(id);
    info.setChannels({QStringLiteral("a")});
    XDListenerInfo copy = info;
    QCOMPARE(copy, info);
    copy.setChannels({QStringLiteral("b")});
    QCOMPARE(info.channels(), QStringList {QStringLiteral("a")}); // copies are independent
    QVERIFY(copy != info);
    const QMetaObject &meta = XDListenerInfo::staticMetaObject;
    QCOMPARE(meta.property(meta.indexOfProperty("id")).readOnGadget(&info).toUuid(), id);
    QCOMPARE(meta.property(meta.indexOfProperty("channels")).readOnGadget(&info).toStringList(),
             QStringList {QStringLiteral("a")});
}

QTEST_GUILESS_MAIN(tst_QtApi)
#include "tst_qtapi.moc"
