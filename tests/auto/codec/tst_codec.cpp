// SPDX-License-Identifier: MIT
// The wire format and the manifest format: round trips, and every way bytes from
// another process can be wrong.
#include "codec/frame_p.h"
#include "codec/manifest_p.h"
#include "codec/x11inbox_p.h"
#include "core/sequencetracker_p.h"

#include <XDMessaging/xdglobal.h>

#include <QtTest/QtTest>

using namespace XDMessagingPrivate;

Q_DECLARE_METATYPE(XDMessagingPrivate::DecodeStatus)

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
    meta.publisher = 0x0123456789abcdefULL;
    meta.sequence = 42;
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
    void requestAndReplyCarryTheirReference_data();
    void requestAndReplyCarryTheirReference();
    void sharedPayloadHeadRoundTrip();
    void acknowledgementRoundTrip();
    void sequenceTrackerDeliversEachNumberOnce();
    void sequenceTrackerIsBounded();
    void inboxPiecesOfSendersInterleave();
    void inboxMessageCutBySendersEnd();
    void inboxOversizedMessageIsNotBuffered();
    void truncatedAtEveryLength_data();
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
    void manifestAcceptsWhatItMay_data();
    void manifestAcceptsWhatItMay();
    void manifestCutsLongNames();
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
    QTest::newRow("16MiB, the limit") << QByteArray(Limit, 'L') << 0;
}

void tst_Codec::requestAndReplyCarryTheirReference_data()
{
    QTest::addColumn<int>("flags");
    QTest::newRow("request") << int(RequestFlag);
    QTest::newRow("reply") << int(ReplyFlag);
    QTest::newRow("retained request") << int(RequestFlag | RetainedFlag);
    QTest::newRow("retained, no reference") << int(RetainedFlag);
}

void tst_Codec::requestAndReplyCarryTheirReference()
{
    QFETCH(int, flags);
    FrameMeta meta = sampleMeta(1);
    meta.flags = quint16(flags);
    meta.reference.fill('R');
    const QByteArray bytes = wire(encodeFrame(meta, "commands", "Messenger", "payload"));
    const bool referenced = flags & (RequestFlag | ReplyFlag);
    QCOMPARE(bytes.size(), sampleFrame("payload").size() + (referenced ? FrameReferenceSize : 0));
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.head.meta.flags, quint16(flags));
    QCOMPARE(frame.head.senderName, QByteArray("Messenger"));
    QCOMPARE(frame.payload, QByteArray("payload"));
    if (referenced)
        QCOMPARE(frame.head.meta.reference, meta.reference);
    // Cut inside the reference: more data is needed, never a wrong frame.
    if (referenced) {
        QCOMPARE(decodeFrame(bytes.first(bytes.size() - 7 - 8), Limit, &frame, &error), DecodeStatus::NeedMoreData);
    }
    MessageId inbox;
    inbox.fill(char(0xab));
    const QByteArray channel = replyChannelOf(inbox);
    QVERIFY(isReplyChannel(channel));
    QVERIFY(channelNameProblemUtf8(channel).isEmpty());
    QVERIFY(!isReplyChannel("commands"));
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
    QCOMPARE(frame.head.meta.publisher, sampleMeta().publisher);
    QCOMPARE(frame.head.meta.sequence, sampleMeta().sequence);
}

// The head of a frame whose payload lies in shared memory: the payload's length and the
// offset are in the head, nothing follows it in the stream, and only a listener that
// passed the memory may take it (decodeFrame(), for the other transports, refuses it).
void tst_Codec::sharedPayloadHeadRoundTrip()
{
    FrameMeta meta;
    meta.payloadType = 0;
    meta.publisher = 7;
    meta.sequence = 1;
    meta.flags = RequestFlag; // with a reference, so the offset comes after it
    meta.reference[0] = 'r';
    const EncodedFrame encoded = encodeFrame(meta, "big", "sender", QByteArray(300000, 'p'));
    QByteArray shared(encoded.head.size() + SharedPayloadOffsetSize, Qt::Uninitialized);
    encodeSharedPayloadHead(encoded.head, 123456, shared.data());
    for (qsizetype length = 0; length < shared.size(); ++length) {
        FrameHead head;
        QString error;
        QCOMPARE(decodeFrameHead(shared.first(length), Limit, &head, &error), DecodeStatus::NeedMoreData);
    }
    FrameHead head;
    QString error;
    QCOMPARE(decodeFrameHead(shared, Limit, &head, &error), DecodeStatus::Complete);
    QVERIFY(head.hasSharedPayload());
    QCOMPARE(head.sharedPayloadOffset, quint64(123456));
    QCOMPARE(head.payloadLength, quint32(300000));
    QCOMPARE(head.frameSize(), shared.size());
    QCOMPARE(head.meta.reference, meta.reference);
    QCOMPARE(head.channel, QByteArray("big"));

    setSharedPayloadOffset(shared.data(), shared.size(), 42);
    QCOMPARE(decodeFrameHead(shared, Limit, &head, &error), DecodeStatus::Complete);
    QCOMPARE(head.sharedPayloadOffset, quint64(42));

    Frame frame;
    QCOMPARE(decodeFrame(shared, Limit, &frame, &error), DecodeStatus::Invalid);
    QVERIFY(!error.isEmpty());
    QCOMPARE(frame.head.frameSize(), shared.size()); // what a listener skips
}

void tst_Codec::acknowledgementRoundTrip()
{
    const QByteArray bytes = encodeAcknowledgement(0x1122334455667788ULL);
    QCOMPARE(bytes.size(), AcknowledgementSize);
    quint64 taken = 0;
    QString error;
    QCOMPARE(decodeAcknowledgement(bytes, &taken, &error), DecodeStatus::Complete);
    QCOMPARE(taken, 0x1122334455667788ULL);
    QCOMPARE(decodeAcknowledgement(bytes.chopped(1), &taken, &error), DecodeStatus::NeedMoreData);
    for (const int offset : {0, 3, 4, 5, 7}) {
        QByteArray corrupted = bytes;
        corrupted[offset] = char(corrupted[offset] ^ 0x40);
        QCOMPARE(decodeAcknowledgement(corrupted, &taken, &error), DecodeStatus::Malformed);
        QVERIFY(!error.isEmpty());
    }
}

void tst_Codec::sequenceTrackerDeliversEachNumberOnce()
{
    SequenceTracker tracker;
    const QByteArray channel("orders");
    // First contact starts the count, whatever the number.
    QVERIFY(tracker.record(7, channel, 100).deliver);
    QCOMPARE(tracker.record(7, channel, 100).deliver, false); // the same message again
    QVERIFY(tracker.record(7, channel, 101).deliver);
    // Another channel and another publisher are counted apart.
    QVERIFY(tracker.record(7, "other", 1).deliver);
    QVERIFY(tracker.record(8, channel, 1).deliver);
    // A jump is a loss, told once, and what it skipped is never delivered later.
    const SequenceTracker::Verdict jump = tracker.record(7, channel, 105);
    QVERIFY(jump.deliver);
    QCOMPARE(jump.missed, 3u);
    QCOMPARE(jump.lastDelivered, 101u);
    QCOMPARE(tracker.record(7, channel, 103).deliver, false);
    QCOMPARE(tracker.record(7, channel, 106).missed, 0u);
    // A channel registered again starts afresh.
    tracker.forgetChannel(channel);
    const SequenceTracker::Verdict fresh = tracker.record(7, channel, 500);
    QVERIFY(fresh.deliver);
    QCOMPARE(fresh.missed, 0u);
    QCOMPARE(tracker.record(8, channel, 2).missed, 0u); // 8 was forgotten too: no gap 1..2
}

namespace {

QByteArray inboxPiece(quint32 window, quint32 serial, const QByteArray &bytes, bool last)
{
    return encodeInboxPieceHeader({window, serial, quint32(bytes.size()), last}) + bytes;
}

} // namespace

void tst_Codec::inboxPiecesOfSendersInterleave()
{
    const QByteArray a = sampleFrame("from a");
    const QByteArray b = sampleFrame("from b");
    InboxAssembler assembler(Limit);
    InboxAssembler::Output out;
    // a's frame in three pieces, b's whole one between them; a read may end mid-piece.
    const QByteArray inbox = inboxPiece(1, 7, a.first(10), false) + inboxPiece(2, 1, b, true)
                             + inboxPiece(1, 7, a.sliced(10, 30), false) + inboxPiece(1, 7, a.sliced(40), true);
    const qsizetype split = 2 * InboxPieceHeaderSize + 10 + b.size() + 5; // 5 bytes into a's second piece
    assembler.feed(inbox.first(split), &out);
    QCOMPARE(out.frames.size(), size_t(1));
    QVERIFY(assembler.hasUnfinishedMessageFrom(1));
    assembler.feed(inbox.sliced(split), &out);
    QCOMPARE(out.frames.size(), size_t(2));
    QCOMPARE(out.frames[0].payload, QByteArray("from b"));
    QCOMPARE(out.frames[1].payload, QByteArray("from a"));
    QCOMPARE(out.takenBySender.value(1), 1u);
    QCOMPARE(out.takenBySender.value(2), 1u);
    QVERIFY(out.problems.isEmpty());
    QVERIFY(!assembler.hasUnfinishedMessageFrom(1));
}

void tst_Codec::inboxMessageCutBySendersEnd()
{
    const QByteArray frame = sampleFrame(QByteArray(1000, 'c'));
    InboxAssembler assembler(Limit);
    InboxAssembler::Output out;
    assembler.feed(inboxPiece(3, 1, frame.first(500), false), &out);
    assembler.senderGone(3, &out);
    QCOMPARE(out.cutChannels, QList<QByteArray> {"commands"});
    QVERIFY(!assembler.hasUnfinishedMessageFrom(3));
    // A window id used again by someone else starts clean: nothing glued on.
    assembler.feed(QByteArray(inboxPiece(3, 1, frame.sliced(500), true) + inboxPiece(3, 2, frame, true)), &out);
    QCOMPARE(out.frames.size(), size_t(1));
    QCOMPARE(out.frames[0].payload, QByteArray(1000, 'c'));
    QCOMPARE(out.problems.size(), 1); // the stray rest: not a frame
    // A new message before the last ended: the unfinished one is cut, not glued.
    assembler.feed(QByteArray(inboxPiece(4, 1, frame.first(100), false) + inboxPiece(4, 2, frame, true)), &out);
    QCOMPARE(out.frames.size(), size_t(2));
    QCOMPARE(out.takenBySender.value(4), 1u); // the new owner of the id is not credited with the cut one
    QCOMPARE(out.cutChannels.size(), 2);
}

void tst_Codec::inboxOversizedMessageIsNotBuffered()
{
    const QByteArray frame = sampleFrame(QByteArray(4096, 'o'));
    InboxAssembler assembler(1024);
    InboxAssembler::Output out;
    assembler.feed(inboxPiece(5, 1, frame.first(100), false), &out);
    QCOMPARE(out.problems.size(), 1); // judged by its head, at once
    for (int i = 0; i < 10; ++i)
        assembler.feed(inboxPiece(5, 1, QByteArray(100000, 'x'), false), &out);
    assembler.feed(inboxPiece(5, 1, frame.sliced(100), true), &out);
    QCOMPARE(out.frames.size(), size_t(0));
    QCOMPARE(out.takenBySender.value(5), 1u);
    QCOMPARE(out.problems.size(), 1);
}

void tst_Codec::sequenceTrackerIsBounded()
{
    SequenceTracker tracker;
    // A publisher heard of all along survives the others coming and going.
    for (quint64 publisher = 1; publisher <= 3 * SequenceTracker::MaximumTracked; ++publisher) {
        QVERIFY(tracker.record(publisher + 1000000, "c", 1).deliver);
        QVERIFY(tracker.record(1, "c", publisher).deliver);
    }
    QCOMPARE(tracker.record(1, "c", 3 * SequenceTracker::MaximumTracked).deliver, false);
    // One of the first transient publishers was forgotten: heard of again, it starts afresh.
    QVERIFY(tracker.record(1000001, "c", 1).deliver);
}

void tst_Codec::twoFramesInOneStream()
{
    const QByteArray first = sampleFrame("one");
    const QByteArray stream = first + sampleFrame("two");
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(stream, Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.payload, QByteArray("one"));
    QCOMPARE(decodeFrame(QByteArrayView(stream).sliced(first.size()), Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.payload, QByteArray("two"));
}

void tst_Codec::truncatedAtEveryLength_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::newRow("text") << sampleFrame();
    QTest::newRow("empty payload") << sampleFrame(QByteArray());
    QTest::newRow("binary, multi-byte names")
            << wire(encodeFrame(sampleMeta(0), "kan\xc3\xa4l", "\xe2\x82\xac-sender", QByteArray(300, '\0')));
}

void tst_Codec::truncatedAtEveryLength()
{
    QFETCH(QByteArray, bytes);
    for (qsizetype length = 0; length < bytes.size(); ++length) {
        Frame frame;
        QString error;
        QCOMPARE(decodeFrame(bytes.first(length), Limit, &frame, &error), DecodeStatus::NeedMoreData);
    }
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Complete);
    QCOMPARE(frame.head.frameSize(), bytes.size());
}

void tst_Codec::corruptedHeader_data()
{
    // The bytes written over the sample frame at offset; fixed-header fields are judged
    // from the 64 header bytes alone, without waiting for the rest of the frame. Broken
    // framing is Malformed; intact framing with unacceptable content is Invalid, and the
    // frame's size is still known so that it can be skipped.
    QTest::addColumn<int>("offset");
    QTest::addColumn<QByteArray>("patch");
    QTest::addColumn<bool>("fromHeaderAlone");
    QTest::addColumn<DecodeStatus>("expected");
    const DecodeStatus malformed = DecodeStatus::Malformed;
    const DecodeStatus invalid = DecodeStatus::Invalid;
    QTest::newRow("magic") << 0 << QByteArray("Y") << true << malformed;
    QTest::newRow("magic, last byte") << 3 << QByteArray("f") << true << malformed;
    QTest::newRow("version 0") << 4 << QByteArray(1, char(0)) << true << malformed;
    QTest::newRow("version 1 (before sequence numbers)") << 4 << QByteArray(1, char(1)) << true << malformed;
    QTest::newRow("version 3") << 4 << QByteArray(1, char(3)) << true << malformed;
    QTest::newRow("payload type 3") << 5 << QByteArray(1, char(3)) << true << invalid;
    QTest::newRow("payload type 255") << 5 << QByteArray(1, char(255)) << true << invalid;
    QTest::newRow("zero channel length") << 6 << QByteArray(2, char(0)) << true << malformed;
    QTest::newRow("channel length 256") << 6 << QByteArray("\x00\x01", 2) << true << malformed;
    QTest::newRow("channel length 65535") << 6 << QByteArray("\xff\xff") << true << malformed;
    QTest::newRow("sender name length 256") << 12 << QByteArray("\x00\x01", 2) << true << malformed;
    QTest::newRow("unknown flag 16") << 14 << QByteArray(1, char(16)) << true << malformed;
    QTest::newRow("request and reply at once") << 14 << QByteArray(1, char(3)) << true << malformed;
    QTest::newRow("unknown flag, high byte") << 15 << QByteArray(1, char(0x80)) << true << malformed;
    QTest::newRow("publisher 0") << 48 << QByteArray(8, char(0)) << true << invalid;
    QTest::newRow("sequence 0") << 56 << QByteArray(8, char(0)) << true << invalid;
    QTest::newRow("control character in channel") << 64 << QByteArray("\n") << false << invalid;
    QTest::newRow("DEL in channel") << 65 << QByteArray("\x7f") << false << invalid;
    QTest::newRow("C1 control in channel") << 64 << QByteArray("\xc2\x85") << false << invalid;
}

void tst_Codec::corruptedHeader()
{
    QFETCH(int, offset);
    QFETCH(QByteArray, patch);
    QFETCH(bool, fromHeaderAlone);
    QFETCH(DecodeStatus, expected);
    QByteArray bytes = sampleFrame();
    bytes.replace(offset, patch.size(), patch);
    Frame frame;
    QString error;
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), expected);
    QVERIFY(!error.isEmpty());
    if (expected == DecodeStatus::Invalid)
        QCOMPARE(frame.head.frameSize(), bytes.size()); // what a listener skips
    if (fromHeaderAlone) {
        error.clear();
        QCOMPARE(decodeFrame(bytes.first(FrameHeaderSize), Limit, &frame, &error), expected);
        QVERIFY(!error.isEmpty());
    }
}

void tst_Codec::oversizedPayloadRejectedFromHeaderAlone()
{
    QByteArray head = sampleFrame().first(FrameHeaderSize);
    qToLittleEndian<quint32>(0xFFFFFFF0u, head.data() + 8); // claims almost 4 GiB
    FrameHead parsed;
    QString error;
    // The framing is intact: the frame is refused alone, and its size is known for skipping.
    QCOMPARE(decodeFrameHead(head, Limit, &parsed, &error), DecodeStatus::Invalid);
    QVERIFY2(error.contains(QStringLiteral("exceeds")), qPrintable(error));
    QCOMPARE(parsed.payloadLength, 0xFFFFFFF0u);
    // One byte over the limit is refused just as early; exactly at the limit is fine.
    qToLittleEndian<quint32>(quint32(Limit + 1), head.data() + 8);
    QCOMPARE(decodeFrameHead(head, Limit, &parsed, &error), DecodeStatus::Invalid);
    Frame frame;
    QCOMPARE(decodeFrame(head, Limit, &frame, &error), DecodeStatus::Invalid);
    qToLittleEndian<quint32>(quint32(Limit), head.data() + 8);
    QCOMPARE(decodeFrameHead(head, Limit, &parsed, &error), DecodeStatus::NeedMoreData);
    // The limit is the caller's: a listener may set a smaller one.
    qToLittleEndian<quint32>(1025, head.data() + 8);
    QCOMPARE(decodeFrameHead(head, 1024, &parsed, &error), DecodeStatus::Invalid);
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
    QCOMPARE(decodeFrame(bytes, Limit, &frame, &error), DecodeStatus::Invalid);
    QCOMPARE(frame.head.frameSize(), bytes.size());
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
    QTest::newRow("empty") << QByteArray() << true;
    QTest::newRow("NUL") << QByteArray(1, '\0') << true;
    QTest::newRow("U+D7FF, below the surrogates") << QByteArray("\xed\x9f\xbf") << true;
    QTest::newRow("U+E000, above the surrogates") << QByteArray("\xee\x80\x80") << true;
    QTest::newRow("U+FFFF") << QByteArray("\xef\xbf\xbf") << true;
    QTest::newRow("U+10000, smallest four-byte") << QByteArray("\xf0\x90\x80\x80") << true;
    QTest::newRow("overlong NUL") << QByteArray("\xc0\x80") << false;
    QTest::newRow("overlong two-byte, lead C1") << QByteArray("\xc1\xbf") << false;
    QTest::newRow("overlong U+07FF in three bytes") << QByteArray("\xe0\x9f\xbf") << false;
    QTest::newRow("overlong U+FFFF in four bytes") << QByteArray("\xf0\x8f\xbf\xbf") << false;
    QTest::newRow("last surrogate U+DFFF") << QByteArray("\xed\xbf\xbf") << false;
    QTest::newRow("surrogate pair as CESU-8") << QByteArray("\xed\xa0\xbd\xed\xb8\x80") << false;
    QTest::newRow("lead F5") << QByteArray("\xf5\x80\x80\x80") << false;
    QTest::newRow("lead F8, five-byte form") << QByteArray("\xf8\x88\x80\x80\x80") << false;
    QTest::newRow("lead FE") << QByteArray("\xfe") << false;
    QTest::newRow("lead FF") << QByteArray("\xff") << false;
    QTest::newRow("truncated two-byte at the end") << QByteArray("a\xc3") << false;
    QTest::newRow("truncated four-byte at the end") << QByteArray("\xf0\x9f\x98") << false;
    QTest::newRow("truncated, followed by ascii") << QByteArray("\xe2\x82"
                                                                "a")
                                                  << false;
    QTest::newRow("bad third byte") << QByteArray("\xe2\x28\xa1") << false;
    QTest::newRow("bad fourth byte") << QByteArray("\xf0\x9f\x98\x41") << false;
    QTest::newRow("two continuations after a two-byte lead") << QByteArray("\xc3\xa9\xa9") << false;
    // The validator skips ASCII eight bytes at a time: a bad or multi-byte sequence must
    // be seen at every offset relative to those words.
    for (int offset = 0; offset < 18; ++offset) {
        const QByteArray prefix(offset, 'a');
        QTest::addRow("invalid byte after %d ascii", offset) << prefix + "\xff" + QByteArray(9, 'z') << false;
        QTest::addRow("U+20AC after %d ascii", offset) << prefix + "\xe2\x82\xac" + QByteArray(9, 'z') << true;
        QTest::addRow("truncated U+20AC at the end after %d ascii", offset) << prefix + "\xe2\x82" << false;
    }
}

void tst_Codec::strictUtf8()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, valid);
    QCOMPARE(isValidUtf8(bytes), valid);
}

// The rules as applied to the raw bytes of a received frame or manifest; the same rules
// on QString names, through the public API, are in tests/auto/channelname.
void tst_Codec::channelNameRules_data()
{
    QTest::addColumn<QByteArray>("channel");
    QTest::addColumn<bool>("valid");
    QTest::newRow("simple") << QByteArray("commands") << true;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("255 bytes") << QByteArray(255, 'a') << true;
    QTest::newRow("256 bytes") << QByteArray(256, 'a') << false;
    QTest::newRow("255 bytes ending in U+20AC") << QByteArray(252, 'a') + "\xe2\x82\xac" << true;
    QTest::newRow("256 bytes ending in U+1F600") << QByteArray(252, 'a') + "\xf0\x9f\x98\x80" << false;
    QTest::newRow("invalid UTF-8") << QByteArray("ab\xff") << false;
    QTest::newRow("lone surrogate, UTF-8 encoded") << QByteArray("a\xed\xa0\x80") << false;
    QTest::newRow("truncated sequence") << QByteArray("a\xe2\x82") << false;
    QTest::newRow("overlong newline") << QByteArray("a\xc0\x8a") << false;
    QTest::newRow("NUL") << QByteArray("a\0b", 3) << false;
    QTest::newRow("newline") << QByteArray("a\nb") << false;
    QTest::newRow("U+001F") << QByteArray("a\x1f") << false;
    QTest::newRow("DEL") << QByteArray("a\x7f") << false;
    QTest::newRow("U+0080") << QByteArray("a\xc2\x80") << false;
    QTest::newRow("NEL U+0085") << QByteArray("a\xc2\x85") << false;
    QTest::newRow("U+009F") << QByteArray("a\xc2\x9f") << false;
    QTest::newRow("U+00A0") << QByteArray("a\xc2\xa0") << true;
    QTest::newRow("U+0100, lead C4") << QByteArray("a\xc4\x80") << true;
    QTest::newRow("emoji") << QByteArray("\xf0\x9f\x98\x80") << true;
}

void tst_Codec::channelNameRules()
{
    QFETCH(QByteArray, channel);
    QFETCH(bool, valid);
    const QString problem = channelNameProblemUtf8(channel);
    QVERIFY2(problem.isEmpty() == valid, qPrintable(problem));
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
    QVERIFY(!decoded.sharedPayloads);
    manifest.sharedPayloads = true;
    QVERIFY2(decodeManifest(encodeManifest(manifest), &decoded, &error), qPrintable(error));
    QVERIFY(decoded.sharedPayloads);
    QCOMPARE(decoded, manifest);
    QCOMPARE(decoded.id, manifest.id);
    QCOMPARE(decoded.pid, manifest.pid);
    QCOMPARE(decoded.name, manifest.name);
    QCOMPARE(decoded.transports, manifest.transports);
    QCOMPARE(decoded.channels, manifest.channels);
}

void tst_Codec::manifestAcceptsWhatItMay_data()
{
    const QByteArray valid = "xdmessaging-manifest 1\nid 2bca06be-6f3b-4fa4-a4bd-c2bab7ecc275\npid 12\n";
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QStringList>("channels");
    QTest::newRow("no channels") << valid << QStringList();
    QTest::newRow("unknown key, from a later version") << valid + "colour blue\nchannel c\n"
                                                       << QStringList {QStringLiteral("c")};
    QTest::newRow("unknown transport") << valid + "transport pigeon\n" << QStringList();
    QTest::newRow("unknown feature") << valid + "feature telepathy\nchannel c\n" << QStringList {QStringLiteral("c")};
    QTest::newRow("channel with spaces") << valid + "channel a b c\n" << QStringList {QStringLiteral("a b c")};
    QByteArray most = valid;
    QStringList mostChannels;
    for (int i = 0; i < MaximumManifestChannels; ++i) {
        most += "channel c" + QByteArray::number(i) + '\n';
        mostChannels.append(QStringLiteral("c%1").arg(i));
    }
    QTest::newRow("the most channels") << most << mostChannels;
}

void tst_Codec::manifestAcceptsWhatItMay()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QStringList, channels);
    ListenerManifest manifest;
    QString error;
    QVERIFY2(decodeManifest(bytes, &manifest, &error), qPrintable(error));
    QCOMPARE(manifest.pid, 12);
    QCOMPARE(manifest.id, QUuid(QStringLiteral("2bca06be-6f3b-4fa4-a4bd-c2bab7ecc275")));
    QCOMPARE(manifest.channels, channels);
    QVERIFY(manifest.transports.isEmpty());
}

void tst_Codec::manifestCutsLongNames()
{
    ListenerManifest manifest;
    manifest.id = QUuid::createUuid();
    manifest.pid = 1;
    manifest.name = QString(200, QChar(0x20AC)); // 600 bytes of "€"
    ListenerManifest decoded;
    QString error;
    QVERIFY2(decodeManifest(encodeManifest(manifest), &decoded, &error), qPrintable(error));
    QCOMPARE(decoded.name, QString(85, QChar(0x20AC)));
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
    QTest::newRow("empty line") << valid + "\n";
    QTest::newRow("line starting with a space") << valid + " channel c\n";
    QTest::newRow("CRLF line ends") << QByteArray(valid).replace("\n", "\r\n");
    QTest::newRow("first line not first") << "pid 12\n" + valid;
    QTest::newRow("pid zero") << QByteArray(valid).replace("pid 12", "pid 0");
    QTest::newRow("pid with letters") << QByteArray(valid).replace("pid 12", "pid 12a");
    QTest::newRow("pid with a plus") << QByteArray(valid).replace("pid 12", "pid +12");
    QTest::newRow("empty pid") << QByteArray(valid).replace("pid 12", "pid ");
    QTest::newRow("missing id") << QByteArray(valid).replace("id 2bca06be-6f3b-4fa4-a4bd-c2bab7ecc275\n", "");
    QTest::newRow("nil uuid") << QByteArray(valid).replace("2bca06be-6f3b-4fa4-a4bd-c2bab7ecc275",
                                                           "00000000-0000-0000-0000-000000000000");
    QTest::newRow("empty channel") << valid + "channel \n";
    QTest::newRow("channel of 256 bytes") << valid + "channel " + QByteArray(256, 'c') + '\n';
    QTest::newRow("invalid UTF-8 channel") << valid + "channel \xc0\xaf\n";
    QTest::newRow("name over 255 bytes") << valid + "name " + QByteArray(256, 'n') + '\n';
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
