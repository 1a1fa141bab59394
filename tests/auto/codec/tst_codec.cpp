// SPDX-License-Identifier: MIT
// The wire format and the manifest format: round trips, and every way bytes from
// another process can be wrong.
#include "codec/frame_p.h"
#include "codec/manifest_p.h"

#include <XDMessaging/xdglobal.h>

#include <QtTest/QtTest>

using namespace XDMessagingPrivate;

namespace {

constexpr qint64 Limit = 16 * 1024 * 1024;

FrameMeta sampleMeta(quint8 payloadType = 1)
{
    FrameMeta meta;
    meta.payloadType = payloadType;
    meta.senderPid = 4711;
    meta.timestampMs = 1700000000123;
    for (int i = 0; i < 16; ++i)
        meta.id[size_t(i)] = char(i * 7);
    return meta;
}

QByteArray wire(const EncodedFrame &frame)
{
    return frame.head + frame.payload;
}

QByteArray sampleFrame(const QByteArray &payload = QByteArrayLiteral("shutdown"), quint8 type = 1)
{
    return wire(encodeFrame(sampleMeta(type), "commands", "Messenger", payload));
}

} // namespace

class tst_Codec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data();
    void roundTrip();
    void twoFramesInOneStream();
    void truncatedAtEveryLength();
    void corruptedHeader_data();
    void corruptedHeader();
    void oversizedPayloadRejectedFromHeaderAlone();
    void invalidUtf8Rejected_data();
    void invalidUtf8Rejected();
    void senderNameCutAtCharacterBoundary();
    void strictUtf8_data();
    void strictUtf8();
    void channelNameRules_data();
    void channelNameRules();
    void manifestRoundTrip();
    void manifestGarbage_data();
    void manifestGarbage();
};

void tst_Codec::roundTrip_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("type");
    QTest::newRow("text") << QByteArray("hello, wörld") << 1;
    QTest::newRow("empty") << QByteArray() << 1;
    QTest::newRow("binary") << QByteArray("\x00\xff\x80\x01", 4) << 0;
    QTest::newRow("json") << QByteArray(R"({"a":[1,2]})") << 2;
    QTest::newRow("1MiB") << QByteArray(1024 * 1024, 'x') << 0;
}

void tst_Codec::roundTrip()
{
    QFETCH(QByteArray, payload);
    QFETCH(int, type);
    const QByteArray bytes = sampleFrame(payload, quint8(type));
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.head.frameSize(), bytes.size());
    QCOMPARE(frame.payload, payload);
    QCOMPARE(frame.head.channel, QByteArray("commands"));
    QCOMPARE(frame.head.senderName, QByteArray("Messenger"));
    QCOMPARE(frame.head.meta.payloadType, quint8(type));
    QCOMPARE(frame.head.meta.senderPid, 4711);
    QCOMPARE(frame.head.meta.timestampMs, 1700000000123);
    QVERIFY(frame.head.meta.id == sampleMeta().id);
}

void tst_Codec::twoFramesInOneStream()
{
    const QByteArray first = sampleFrame("one");
    const QByteArray stream = first + sampleFrame("two");
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(stream, Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.payload, QByteArray("one"));
    QCOMPARE(decodeFrame(QByteArrayView(stream).sliced(first.size()), Limit, &frame, &error),
             DecodeStatus::Complete);
    QCOMPARE(frame.payload, QByteArray("two"));
}

void tst_Codec::truncatedAtEveryLength()
{
    const QByteArray bytes = sampleFrame();
    for (qsizetype length = 0; length < bytes.size(); ++length) {
        Frame frame;
        QString error;
        QCOMPARE(decodeFrame(bytes.first(length), Limit, &frame, &error), DecodeStatus::NeedMoreData);
    }
}

void tst_Codec::corruptedHeader_data()
{
    QTest::addColumn<int>("offset");
    QTest::addColumn<char>("value");
    QTest::newRow("magic") << 0 << 'Y';
    QTest::newRow("version") << 4 << char(2);
    QTest::newRow("payload type") << 5 << char(3);
    QTest::newRow("zero channel length") << 6 << char(0);
    QTest::newRow("reserved") << 14 << char(1);
    QTest::newRow("control character in channel") << 48 << '\n';
}

void tst_Codec::corruptedHeader()
{
    QFETCH(int, offset);
    QFETCH(char, value);
    QByteArray bytes = sampleFrame();
    bytes[offset] = value;
    if (offset == 6)
        bytes[7] = 0;
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Malformed);
    QVERIFY(!error.isEmpty());
}

void tst_Codec::oversizedPayloadRejectedFromHeaderAlone()
{
    QByteArray head = sampleFrame().first(FrameHeaderSize);
    qToLittleEndian<quint32>(0xFFFFFFF0u, head.data() + 8); // claims almost 4 GiB
    FrameHead parsed;
    QString error;
    QCOMPARE(decodeFrameHead(head, Limit, &parsed, &error), DecodeStatus::Malformed);
    QVERIFY2(error.contains(QStringLiteral("exceeds")), qPrintable(error));
    // Exactly at the limit is fine.
    qToLittleEndian<quint32>(quint32(Limit), head.data() + 8);
    QCOMPARE(decodeFrameHead(head, Limit, &parsed, &error), DecodeStatus::NeedMoreData);
}

void tst_Codec::invalidUtf8Rejected_data()
{
    QTest::addColumn<QByteArray>("channel");
    QTest::addColumn<QByteArray>("name");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<int>("type");
    QTest::newRow("channel") << QByteArray("ab\xff") << QByteArray("n") << QByteArray("p") << 1;
    QTest::newRow("sender name") << QByteArray("ch") << QByteArray("\xc0\x80") << QByteArray("p") << 1;
    QTest::newRow("text payload") << QByteArray("ch") << QByteArray("n") << QByteArray("\xed\xa0\x80") << 1;
    QTest::newRow("json payload") << QByteArray("ch") << QByteArray("n") << QByteArray("\xf5") << 2;
}

void tst_Codec::invalidUtf8Rejected()
{
    QFETCH(QByteArray, channel);
    QFETCH(QByteArray, name);
    QFETCH(QByteArray, payload);
    QFETCH(int, type);
    const QByteArray bytes = wire(encodeFrame(sampleMeta(quint8(type)), channel, name, payload));
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Malformed);
    // The same bytes as a binary payload are fine: only text must be UTF-8.
    if (QTest::currentDataTag() == QByteArrayView("text payload")) {
        const QByteArray binary = wire(encodeFrame(sampleMeta(0), channel, name, payload));
        QCOMPARE(decodeFrame(binary, Limit, &frame, &error), DecodeStatus::Complete);
    }
}

void tst_Codec::senderNameCutAtCharacterBoundary()
{
    const QByteArray longName = QString(200, QChar(0x00FC)).toUtf8(); // 400 bytes of "ü"
    const EncodedFrame encoded = encodeFrame(sampleMeta(), "ch", longName, "x");
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(wire(encoded), Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.head.senderName.size(), 254);
    QVERIFY(isValidUtf8(frame.head.senderName));
}

void tst_Codec::strictUtf8_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("valid");
    QTest::newRow("ascii") << QByteArray("plain ascii text, long enough for the fast path") << true;
    QTest::newRow("two-byte") << QByteArray("\xc3\xa9") << true;
    QTest::newRow("three-byte") << QByteArray("\xe2\x82\xac") << true;
    QTest::newRow("four-byte") << QByteArray("\xf0\x9f\x98\x80") << true;
    QTest::newRow("max code point") << QByteArray("\xf4\x8f\xbf\xbf") << true;
    QTest::newRow("overlong slash") << QByteArray("\xc0\xaf") << false;
    QTest::newRow("overlong three-byte") << QByteArray("\xe0\x80\xaf") << false;
    QTest::newRow("overlong four-byte") << QByteArray("\xf0\x80\x80\xaf") << false;
    QTest::newRow("surrogate") << QByteArray("\xed\xa0\x80") << false;
    QTest::newRow("above U+10FFFF") << QByteArray("\xf4\x90\x80\x80") << false;
    QTest::newRow("truncated") << QByteArray("abc\xe2\x82") << false;
    QTest::newRow("lone continuation") << QByteArray("\x80") << false;
    QTest::newRow("invalid after ascii run") << QByteArray("0123456789abcdef\xff") << false;
}

void tst_Codec::strictUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(bytes), valid);
}

void tst_Codec::channelNameRules_data()
{
    QTest::addColumn<QString>("channel");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << QStringLiteral("commands") << true;
    QTest::newRow("spaces and punctuation") << QStringLiteral("a b/c:d") << true;
    QTest::newRow("empty") << QString() << false;
    QTest::newRow("255 bytes") << QString(255, QLatin1Char('a')) << true;
    QTest::newRow("256 bytes") << QString(256, QLatin1Char('a')) << false;
    QTest::newRow("127 two-byte chars") << QString(127, QChar(0x00E9)) << true;   // 254 bytes
    QTest::newRow("128 two-byte chars") << QString(128, QChar(0x00E9)) << false;  // 256 bytes
    QTest::newRow("85 three-byte chars") << QString(85, QChar(0x20AC)) << true;   // 255 bytes
    QTest::newRow("86 three-byte chars") << QString(86, QChar(0x20AC)) << false;  // 258 bytes
    QTest::newRow("newline") << QStringLiteral("a\nb") << false;
    QTest::newRow("tab") << QStringLiteral("a\tb") << false;
    QTest::newRow("DEL") << QStringLiteral("a\x7f") << false;
    QTest::newRow("C1 NEL") << (QStringLiteral("a") + QChar(0x0085)) << false;
    QTest::newRow("lone surrogate") << (QStringLiteral("a") + QChar(0xD800)) << false;
    QTest::newRow("emoji") << QString::fromUtf8("\xf0\x9f\x98\x80") << true;
}

void tst_Codec::channelNameRules()
{
    QFETCH(QString, channel);
    QFETCH(bool, valid);
    const QString problem = xdChannelNameProblem(channel);
    QCOMPARE(problem.isEmpty(), valid);
}

void tst_Codec::manifestRoundTrip()
{
    ListenerManifest manifest;
    manifest.id = QUuid::createUuid();
    manifest.pid = 4711;
    manifest.name = QStringLiteral("Messenger ü");
    manifest.transports = {XDTransport::LocalSocket, XDTransport::NativeWindow};
    manifest.channels = {QStringLiteral("Status"), QStringLiteral("User Message")};
    ListenerManifest decoded;
    QString error;
    QVERIFY2(decodeManifest(encodeManifest(manifest), &decoded, &error), qPrintable(error));
    QCOMPARE(decoded.id, manifest.id);
    QCOMPARE(decoded.pid, manifest.pid);
    QCOMPARE(decoded.name, manifest.name);
    QCOMPARE(decoded.transports, manifest.transports);
    QCOMPARE(decoded.channels, manifest.channels);
}

void tst_Codec::manifestGarbage_data()
{
    const QByteArray valid = "xdmessaging-manifest 1\nid 2bca06be-6f3b-4fa4-a4bd-c2bab7ecc275\npid 12\n";
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("wrong first line") << QByteArray(valid).replace("manifest 1", "manifest 2");
    QTest::newRow("no final newline") << valid.chopped(1);
    QTest::newRow("bad uuid") << QByteArray(valid).replace("2bca06be", "zzzz");
    QTest::newRow("negative pid") << QByteArray(valid).replace("pid 12", "pid -12");
    QTest::newRow("huge pid") << QByteArray(valid).replace("pid 12", "pid 123456789012345");
    QTest::newRow("missing pid") << QByteArray(valid).replace("pid 12\n", "");
    QTest::newRow("control char channel") << valid + "channel a\x01" + "b\n";
    QTest::newRow("invalid utf-8 name") << valid + "name \xff\n";
    QTest::newRow("line without value") << valid + "channel\n";
    QTest::newRow("oversized") << valid + QByteArray(MaximumManifestBytes, 'x') + '\n';
    QByteArray tooMany = valid;
    for (int i = 0; i <= MaximumManifestChannels; ++i)
        tooMany += "channel c" + QByteArray::number(i) + '\n';
    QTest::newRow("too many channels") << tooMany;
}

void tst_Codec::manifestGarbage()
{
    QFETCH(QByteArray, bytes);
    ListenerManifest manifest;
    QString error;
    QVERIFY(!decodeManifest(bytes, &manifest, &error));
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(tst_Codec)
#include "tst_codec.moc"
