// SPDX-License-Identifier: MIT
// Channel names and message sizes: what xdChannelNameProblem() accepts, that listeners and
// broadcasters refuse the rest with a clear error, that names are compared exactly, and
// that a message over the limit reaches nobody. Public API only.
#include <XDMessaging/xdmessaging.h>

#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

namespace {

const QString Eacute = QString::fromUtf8("\xc3\xa9"); // U+00E9, 2 bytes in UTF-8
const QString Euro = QString::fromUtf8("\xe2\x82\xac"); // U+20AC, 3 bytes
const QString Grin = QString::fromUtf8("\xf0\x9f\x98\x80"); // U+1F600, 4 bytes, 2 UTF-16 units

QString ascii(int count)
{
    return QString(count, QLatin1Char('a'));
}

QString withChar(char16_t c)
{
    return QStringLiteral("a") + QChar(c) + QStringLiteral("b");
}

QString randomSuffix()
{
    return QUuid::createUuid().toString(QUuid::Id128);
}

} // namespace

class tst_ChannelName : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void problemDescribed_data();
    void problemDescribed();
    void registerRefusesInvalidNames_data();
    void registerRefusesInvalidNames();
    void sendRefusesInvalidNames_data();
    void sendRefusesInvalidNames();
    void invalidNameAfterAValidOneIsRefused();
    void errorsShowControlCharactersEscaped();
    void longestNamesTravelIntact_data();
    void longestNamesTravelIntact();
    void namesAreCaseSensitive_data();
    void namesAreCaseSensitive();
    void oversizedMessageReachesNobody();
    void defaultMaximumIs16MiB();

private:
    void validNames();
    void invalidNames();
    QString runtimeDirectory() const { return m_temp->filePath(QStringLiteral("rt")); }
    std::unique_ptr<QTemporaryDir> m_temp;
};

void tst_ChannelName::initTestCase()
{
    qRegisterMetaType<XDMessage>();
    qunsetenv("XDMESSAGING_TRANSPORT");
}

void tst_ChannelName::init()
{
    // A runtime directory per test function and row, created by the library on first use.
    m_temp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_temp->isValid());
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(runtimeDirectory()));
}

// Rows of (channel, expected problem): an empty expectation means the name is valid.
void tst_ChannelName::validNames()
{
    QTest::newRow("ascii") << QStringLiteral("commands") << QString();
    QTest::newRow("spaces and punctuation") << QStringLiteral("a b/c:d.e-f_g") << QString();
    QTest::newRow("255 ASCII bytes") << ascii(255) << QString();
    QTest::newRow("127 x U+00E9 + 1 ASCII = 255 bytes") << Eacute.repeated(127) + ascii(1) << QString();
    QTest::newRow("85 x U+20AC = 255 bytes") << Euro.repeated(85) << QString();
    QTest::newRow("63 x U+1F600 + 3 ASCII = 255 bytes") << Grin.repeated(63) + ascii(3) << QString();
    QTest::newRow("U+00A0, first after the C1 controls") << withChar(0x00A0) << QString();
    QTest::newRow("U+FFFD") << withChar(0xFFFD) << QString();
}

void tst_ChannelName::invalidNames()
{
    const QString control = QStringLiteral("control character");
    const QString unicode = QStringLiteral("not valid Unicode");
    QTest::newRow("null") << QString() << QStringLiteral("empty");
    QTest::newRow("empty") << QStringLiteral("") << QStringLiteral("empty");
    QTest::newRow("256 ASCII bytes") << ascii(256) << QStringLiteral("256 bytes");
    QTest::newRow("128 x U+00E9 = 256 bytes") << Eacute.repeated(128) << QStringLiteral("256 bytes");
    QTest::newRow("85 x U+20AC + 1 ASCII = 256 bytes") << Euro.repeated(85) + ascii(1) << QStringLiteral("256 bytes");
    // 128 UTF-16 units, 256 bytes: the limit counts bytes, not QChars.
    QTest::newRow("64 x U+1F600 = 256 bytes") << Grin.repeated(64) << QStringLiteral("256 bytes");
    QTest::newRow("255 x U+00E9 = 510 bytes") << Eacute.repeated(255) << QStringLiteral("510 bytes");
    QTest::newRow("254 ASCII + U+00E9 = 256 bytes") << ascii(254) + Eacute << QStringLiteral("256 bytes");
    QTest::newRow("U+0000") << withChar(0x0000) << control;
    QTest::newRow("tab") << QStringLiteral("a\tb") << control;
    QTest::newRow("newline") << QStringLiteral("a\nb") << control;
    QTest::newRow("carriage return") << QStringLiteral("a\rb") << control;
    QTest::newRow("escape") << withChar(0x001B) << control;
    QTest::newRow("U+001F") << withChar(0x001F) << control;
    QTest::newRow("DEL U+007F") << withChar(0x007F) << control;
    QTest::newRow("U+0080") << withChar(0x0080) << control;
    QTest::newRow("NEL U+0085") << withChar(0x0085) << control;
    QTest::newRow("U+009F") << withChar(0x009F) << control;
    QTest::newRow("control at the start") << QStringLiteral("\nabc") << control;
    QTest::newRow("control at the end") << QStringLiteral("abc\n") << control;
    QTest::newRow("lone high surrogate") << withChar(0xD800) << unicode;
    QTest::newRow("lone high surrogate at the end") << QStringLiteral("a") + QChar(0xDBFF) << unicode;
    QTest::newRow("lone low surrogate") << withChar(0xDC00) << unicode;
    QTest::newRow("surrogates reversed") << QStringLiteral("a") + QChar(0xDE00) + QChar(0xD83D) << unicode;
}

void tst_ChannelName::problemDescribed_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("problem");
    validNames();
    invalidNames();
}

void tst_ChannelName::problemDescribed()
{
    QFETCH(QString, channel);
    QFETCH(QString, problem);
    const QString described = xdChannelNameProblem(channel);
    if (problem.isEmpty()) {
        QVERIFY2(described.isEmpty(), qPrintable(described));
    } else {
        QVERIFY2(described.contains(problem), qPrintable(described));
        QVERIFY(!described.contains(QLatin1Char('\n')));
    }
}

void tst_ChannelName::registerRefusesInvalidNames_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("problem");
    invalidNames();
}

void tst_ChannelName::registerRefusesInvalidNames()
{
    QFETCH(QString, channel);
    QFETCH(QString, problem);
    XDListener listener;
    QSignalSpy errors(&listener, &XDListener::errorOccurred);
    QVERIFY(!listener.registerChannel(channel));
    QCOMPARE(listener.error(), XDError::InvalidChannelName);
    QVERIFY2(listener.errorString().contains(problem), qPrintable(listener.errorString()));
    QCOMPARE(errors.size(), 0); // errorOccurred() comes from the event loop, once the call returned
    QTRY_COMPARE(errors.size(), 1);
    QCOMPARE(errors.at(0).at(0).value<XDError>(), XDError::InvalidChannelName);
    QCOMPARE(errors.at(0).at(1).toString(), listener.errorString());
    QVERIFY(listener.channels().isEmpty());
    // Refused before any transport starts: nothing was published anywhere.
    QVERIFY(listener.activeTransports().isEmpty());
    QVERIFY(!QFileInfo::exists(runtimeDirectory()));

    // The listener stays usable, and success clears the error.
    const QString valid = QStringLiteral("valid-") + randomSuffix();
    QVERIFY2(listener.registerChannel(valid), qPrintable(listener.errorString()));
    QCOMPARE(listener.error(), XDError::NoError);
    QVERIFY(listener.errorString().isEmpty());
    QCOMPARE(listener.channels(), QStringList {valid});
}

void tst_ChannelName::sendRefusesInvalidNames_data()
{
    registerRefusesInvalidNames_data();
}

void tst_ChannelName::sendRefusesInvalidNames()
{
    QFETCH(QString, channel);
    QFETCH(QString, problem);
    XDBroadcaster broadcaster;
    const QList<XDSendResult> results {
            broadcaster.sendToChannel(channel, QStringLiteral("text")),
            broadcaster.sendToChannel(channel, "classic"),
            broadcaster.sendToChannel(channel, QByteArray("bytes")),
            broadcaster.sendToChannel(channel, QJsonDocument(QJsonArray {1, 2})),
            XDBroadcaster::send(channel, QStringLiteral("static")),
    };
    for (const XDSendResult &result : results) {
        QVERIFY(!result);
        QCOMPARE(result.error(), XDError::InvalidChannelName);
        QVERIFY2(result.errorString().contains(problem), qPrintable(result.errorString()));
        QCOMPARE(result.listenersReached(), 0);
    }
    QVERIFY(!QFileInfo::exists(runtimeDirectory()));
}

// A broadcaster remembers its last, valid channel; that must not let an invalid one
// through (an empty name even equals a null QString).
void tst_ChannelName::invalidNameAfterAValidOneIsRefused()
{
    XDBroadcaster broadcaster;
    QVERIFY(broadcaster.sendToChannel(QStringLiteral("valid"), QStringLiteral("text")));
    for (const QString &channel : {QString(), QStringLiteral(""), QStringLiteral("valid\n")}) {
        const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("text"));
        QVERIFY(!result);
        QCOMPARE(result.error(), XDError::InvalidChannelName);
    }
    QVERIFY(broadcaster.sendToChannel(QStringLiteral("valid"), QStringLiteral("again")));
}

void tst_ChannelName::errorsShowControlCharactersEscaped()
{
    XDListener listener;
    QVERIFY(!listener.registerChannel(QStringLiteral("bad\nname")));
    QVERIFY2(listener.errorString().contains(QStringLiteral("bad\\nname")), qPrintable(listener.errorString()));
    QVERIFY(!listener.errorString().contains(QLatin1Char('\n')));
    QVERIFY(!listener.registerChannel(QStringLiteral("bad\x7fname")));
    QVERIFY2(listener.errorString().contains(QStringLiteral("bad\\u{7f}name")), qPrintable(listener.errorString()));

    const XDSendResult result = XDBroadcaster().sendToChannel(QStringLiteral("bad\tname"), QStringLiteral("x"));
    QVERIFY2(result.errorString().contains(QStringLiteral("bad\\tname")), qPrintable(result.errorString()));
    QVERIFY(!result.errorString().contains(QLatin1Char('\t')));
}

void tst_ChannelName::longestNamesTravelIntact_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<QString>("problem");
    validNames();
}

// The longest names fit the frame header and the manifest, byte for byte.
void tst_ChannelName::longestNamesTravelIntact()
{
    QFETCH(QString, channel);
    XDListener listener;
    QVERIFY2(listener.registerChannel(channel), qPrintable(listener.errorString()));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    const QList<XDListenerInfo> listed = broadcaster.listeners();
    QCOMPARE(listed.size(), 1);
    QCOMPARE(listed.first().channels(), QStringList {channel});
    const XDSendResult result = broadcaster.sendToChannel(channel, QStringLiteral("hello"));
    QVERIFY2(result, qPrintable(result.errorString()));
    QCOMPARE(result.listenersReached(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
    const XDMessage message = received.at(0).at(0).value<XDMessage>();
    QCOMPARE(message.channel(), channel);
    QCOMPARE(message.text(), QStringLiteral("hello"));
}

void tst_ChannelName::namesAreCaseSensitive_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("otherCase");
    QTest::newRow("Foo / foo") << QStringLiteral("Foo") << QStringLiteral("foo");
    QTest::newRow("Foo / FOO") << QStringLiteral("Foo") << QStringLiteral("FOO");
    QTest::newRow("non-ASCII") << QString(QStringLiteral("Caf") + Eacute)
                               << QString(QStringLiteral("CAF") + QChar(0x00C9));
}

void tst_ChannelName::namesAreCaseSensitive()
{
    QFETCH(QString, name);
    QFETCH(QString, otherCase);
    const QString suffix = QStringLiteral("-") + randomSuffix();
    const QString channel = name + suffix;
    const QString other = otherCase + suffix;
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    QCOMPARE(broadcaster.sendToChannel(other, QStringLiteral("other case")).listenersReached(), 0);
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("exact")).listenersReached(), 1);
    // Per sender the order is kept: had "other case" reached this listener, it would come first.
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("exact"));

    // Both spellings on one listener are two channels, each message tagged with its own.
    QVERIFY(listener.registerChannel(other));
    QCOMPARE(listener.channels(), (QStringList {channel, other}));
    QCOMPARE(broadcaster.sendToChannel(other, QStringLiteral("to other")).listenersReached(), 1);
    QCOMPARE(broadcaster.sendToChannel(channel, QStringLiteral("to channel")).listenersReached(), 1);
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 3, 5000);
    QCOMPARE(received.at(1).at(0).value<XDMessage>().channel(), other);
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("to other"));
    QCOMPARE(received.at(2).at(0).value<XDMessage>().channel(), channel);
    QCOMPARE(received.at(2).at(0).value<XDMessage>().text(), QStringLiteral("to channel"));
}

void tst_ChannelName::oversizedMessageReachesNobody()
{
    const QString channel = QStringLiteral("size-") + randomSuffix();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    broadcaster.setMaximumMessageSize(1024);
    QCOMPARE(broadcaster.maximumMessageSize(), 1024);

    // 342 characters but 1026 bytes: the limit counts the UTF-8 encoding.
    QJsonArray largeArray;
    for (int i = 0; i < 300; ++i)
        largeArray.append(i);
    const QList<XDSendResult> refused {
            broadcaster.sendToChannel(channel, Euro.repeated(342)),
            broadcaster.sendToChannel(channel, QByteArray(1025, 'b')),
            broadcaster.sendToChannel(channel, QJsonDocument(largeArray)),
    };
    for (const XDSendResult &result : refused) {
        QVERIFY(!result);
        QCOMPARE(result.error(), XDError::MessageTooLarge);
        QCOMPARE(result.listenersReached(), 0);
        QVERIFY2(result.errorString().contains(QStringLiteral("1024")), qPrintable(result.errorString()));
    }
    QVERIFY2(refused.at(0).errorString().contains(QStringLiteral("1026")), qPrintable(refused.at(0).errorString()));

    const QByteArray atTheLimit(1024, 'y');
    QCOMPARE(broadcaster.sendToChannel(channel, atTheLimit).listenersReached(), 1);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("marker")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 2, 5000);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().payload(), atTheLimit);
    QCOMPARE(received.at(1).at(0).value<XDMessage>().text(), QStringLiteral("marker"));
}

void tst_ChannelName::defaultMaximumIs16MiB()
{
    const QString channel = QStringLiteral("size-") + randomSuffix();
    XDListener listener;
    QVERIFY(listener.registerChannel(channel));
    QSignalSpy received(&listener, &XDListener::messageReceived);
    XDBroadcaster broadcaster;
    QCOMPARE(broadcaster.maximumMessageSize(), 16 * 1024 * 1024);
    QCOMPARE(listener.maximumMessageSize(), 16 * 1024 * 1024);
    const XDSendResult result = broadcaster.sendToChannel(channel, QByteArray(16 * 1024 * 1024 + 1, 'z'));
    QCOMPARE(result.error(), XDError::MessageTooLarge);
    QCOMPARE(result.listenersReached(), 0);
    QVERIFY(broadcaster.sendToChannel(channel, QStringLiteral("marker")));
    QTRY_COMPARE_WITH_TIMEOUT(received.size(), 1, 5000);
    QCOMPARE(received.at(0).at(0).value<XDMessage>().text(), QStringLiteral("marker"));
}

QTEST_GUILESS_MAIN(tst_ChannelName)
#include "tst_channelname.moc"
