// SPDX-License-Identifier: MIT
// A raw client writes what no XDMessaging sender would into a listener's socket. The
// listener drops it and logs it; broken framing closes that connection, a frame whose
// framing is intact but whose content is not acceptable is dropped alone, and the
// listener keeps serving everyone else.
#include "codec/frame_p.h"
#include "listenerfixture.h"
#include "reliabilityreport.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QRandomGenerator>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <functional>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

using namespace XDMessagingPrivate;

Q_DECLARE_METATYPE(std::function<QByteArray(const QByteArray &)>)

namespace {

QByteArray frameBytes(const QByteArray &channel, const QByteArray &payload, quint8 type = 1)
{
    static quint64 lastSequence = 0; // each frame a new message of one publisher
    FrameMeta meta;
    meta.payloadType = type;
    meta.senderPid = 1;
    meta.publisher = 1;
    meta.sequence = ++lastSequence;
    const EncodedFrame frame = encodeFrame(meta, channel, "hostile", payload);
    return frame.head + frame.payload;
}

// The head of a frame whose payload of payloadSize bytes lies at offset in shared memory.
QByteArray sharedFrameBytes(const QByteArray &channel, qsizetype payloadSize, quint64 offset)
{
    const QByteArray full = frameBytes(channel, QByteArray(payloadSize, 's'), 0);
    const qsizetype headSize = full.size() - payloadSize;
    QByteArray bytes(headSize + SharedPayloadOffsetSize, Qt::Uninitialized);
    encodeSharedPayloadHead(QByteArrayView(full).first(headSize), offset, bytes.data());
    return bytes;
}

// A memfd of size bytes holding content at its start, with the given seals.
int sharedMemory(qint64 size, const QByteArray &content, unsigned int seals)
{
    const int fd = ::memfd_create("hostile", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0 || ::ftruncate(fd, size) != 0 || ::pwrite(fd, content.constData(), size_t(content.size()), 0) < 0
        || (seals && ::fcntl(fd, F_ADD_SEALS, seals) != 0))
        qFatal("cannot make shared memory: %s", std::strerror(errno));
    return fd;
}

// A connection to a listener's socket that writes whatever it is given.
class RawClient
{
public:
    explicit RawClient(const QString &socketPath)
    {
        m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address = {};
        address.sun_family = AF_UNIX;
        const QByteArray path = QFile::encodeName(socketPath);
        std::memcpy(address.sun_path, path.constData(), size_t(path.size()));
        m_connected = ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
    }
    ~RawClient() { ::close(m_fd); }
    bool isConnected() const { return m_connected; }
    // Writes all of bytes; the listener lives in this thread, so the event loop runs
    // while the socket buffer is full.
    bool write(const QByteArray &bytes)
    {
        QDeadlineTimer deadline(10000);
        qsizetype written = 0;
        while (written < bytes.size() && !deadline.hasExpired()) {
            const ssize_t n = ::send(m_fd, bytes.constData() + written, size_t(bytes.size() - written),
                                     MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0)
                written += n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return false;
            else
                QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        }
        return written == bytes.size();
    }
    // Passes descriptors (SCM_RIGHTS) with the first byte of bytes, then writes the rest;
    // closes the descriptors after.
    bool writeWithDescriptors(const QByteArray &bytes, const QList<int> &descriptors)
    {
        iovec vector {const_cast<char *>(bytes.constData()), 1};
        std::vector<char> control(CMSG_SPACE(sizeof(int) * size_t(descriptors.size())));
        msghdr message {};
        message.msg_iov = &vector;
        message.msg_iovlen = 1;
        message.msg_control = control.data();
        message.msg_controllen = control.size();
        cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * size_t(descriptors.size()));
        std::memcpy(CMSG_DATA(header), descriptors.constData(), sizeof(int) * size_t(descriptors.size()));
        const bool sent = ::sendmsg(m_fd, &message, MSG_NOSIGNAL) == 1;
        for (const int fd : descriptors)
            ::close(fd);
        return sent && write(bytes.mid(1));
    }
    void close() { ::shutdown(m_fd, SHUT_WR); }
    // True once the listener has closed its end. What it sent before (its
    // acknowledgements) is read and counted.
    bool closedByPeer()
    {
        char bytes[256];
        for (;;) {
            const ssize_t n = ::recv(m_fd, bytes, sizeof bytes, MSG_DONTWAIT);
            if (n <= 0)
                return n == 0;
            m_fromListener.append(bytes, n);
        }
    }
    // The count of the listener's last acknowledgement (see closedByPeer()).
    quint64 acknowledged()
    {
        closedByPeer();
        quint64 taken = 0;
        QString error;
        for (qsizetype at = 0; at + AcknowledgementSize <= m_fromListener.size(); at += AcknowledgementSize) {
            if (decodeAcknowledgement(QByteArrayView(m_fromListener).sliced(at), &taken, &error)
                != DecodeStatus::Complete)
                return ~quint64(0);
        }
        return taken;
    }

private:
    int m_fd = -1;
    bool m_connected = false;
    QByteArray m_fromListener;
};

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void malformedInputIsDroppedAndLogged_data();
    void malformedInputIsDroppedAndLogged();
    void invalidContentIsDroppedAlone_data();
    void invalidContentIsDroppedAlone();
    void hugeLengthIsSkippedNotBuffered();
    void partialFrameFromADyingSenderIsNeverDelivered();
    void slowWriterStillDelivers();
    void largeFrameInPiecesStillDelivers();
    void validFramesBeforeGarbageAreKept();
    void frameForUnregisteredChannelIsIgnored();
    void sharedMemoryFromARawSenderIsTaken();
    void untrustworthySharedMemoryClosesTheConnection_data();
    void untrustworthySharedMemoryClosesTheConnection();
    void aSecondRingClosesTheConnection();

private:
    void expectStillServing();

    std::unique_ptr<ListenerFixture> m_fixture;
};

void tst_Hostile::initTestCase()
{
    qunsetenv("XDMESSAGING_TRANSPORT");
    LibraryWarnings::capture();
}

void tst_Hostile::init()
{
    m_fixture = std::make_unique<ListenerFixture>(QStringLiteral("hostile-"));
    QVERIFY(m_fixture->isListening());
    LibraryWarnings::captured().clear();
}

void tst_Hostile::cleanup()
{
    m_fixture.reset();
}

// A well-behaved sender still gets through, and nothing else was delivered.
void tst_Hostile::expectStillServing()
{
    const int before = int(m_fixture->received().size());
    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(m_fixture->channel(), QStringLiteral("valid"));
    QVERIFY2(result && result.listenersReached() == 1, qPrintable(result.errorString()));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), before + 1, 5000);
    QCOMPARE(m_fixture->received().last().at(0).value<XDMessage>().text(), QStringLiteral("valid"));
}

void tst_Hostile::malformedInputIsDroppedAndLogged_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QByteArray garbage(4096, Qt::Uninitialized);
    QRandomGenerator generator(42);
    for (char &c : garbage)
        c = char(generator.bounded(256));
    garbage[0] = 'G';
    QTest::newRow("random garbage") << garbage;
    QByteArray badMagic = frameBytes("c", "x");
    badMagic[0] = 'Y';
    QTest::newRow("bad magic") << badMagic;
    QByteArray zeroChannel = frameBytes("c", "x");
    qToLittleEndian<quint16>(0, zeroChannel.data() + 6);
    QTest::newRow("zero channel length") << zeroChannel;
    QByteArray badVersion = frameBytes("c", "x");
    badVersion[4] = char(9);
    QTest::newRow("unknown frame version") << badVersion;
}

void tst_Hostile::malformedInputIsDroppedAndLogged()
{
    QFETCH(QByteArray, bytes);
    m_fixture->listener().setMaximumMessageSize(1024);
    RawClient client(m_fixture->socketPath());
    QVERIFY(client.isConnected());
    QVERIFY(client.write(bytes));
    QTRY_VERIFY_WITH_TIMEOUT(client.closedByPeer(), 5000);
    QVERIFY2(!LibraryWarnings::captured().isEmpty(), "the dropped input is logged");
    QVERIFY(LibraryWarnings::captured().last().contains(QStringLiteral("closing a sender connection")));
    QCOMPARE(m_fixture->received().size(), 0);
    expectStillServing();
    reportReliability(QStringLiteral("hostile input"), QString::fromLatin1(QTest::currentDataTag()),
                      QStringLiteral("dropped and logged, connection closed, listener kept serving"));
}

void tst_Hostile::invalidContentIsDroppedAlone_data()
{
    // Frames whose framing is intact, built for the listener's channel (or another one).
    using Build = std::function<QByteArray(const QByteArray &channel)>;
    QTest::addColumn<Build>("build");
    QTest::newRow("invalid UTF-8 channel") << Build([](const QByteArray &) { return frameBytes("ch\xff", "x"); });
    QTest::newRow("control character in channel") << Build([](const QByteArray &) { return frameBytes("ch\n", "x"); });
    QTest::newRow("invalid UTF-8 text") << Build([](const QByteArray &c) { return frameBytes(c, "\xc0\xaf"); });
    QTest::newRow("invalid UTF-8 JSON") << Build(
            [](const QByteArray &c) { return frameBytes(c, "{\"a\": \"\xed\xa0\x80\"}", 2); });
    QTest::newRow("unknown payload type") << Build([](const QByteArray &c) {
        QByteArray bytes = frameBytes(c, "x");
        bytes[5] = char(7);
        return bytes;
    });
    QTest::newRow("payload over the listener's limit, 2 KB")
            << Build([](const QByteArray &c) { return frameBytes(c, QByteArray(2048, 'x'), 0); });
    // Larger than the listener's read buffer: skipped over several reads.
    QTest::newRow("payload over the listener's limit, 600 KB")
            << Build([](const QByteArray &c) { return frameBytes(c, QByteArray(600 * 1024, 'x'), 0); });
}

// The same connection goes on: a valid message sent right after the bad one arrives.
void tst_Hostile::invalidContentIsDroppedAlone()
{
    QFETCH(std::function<QByteArray(const QByteArray &)>, build);
    const QByteArray channel = m_fixture->channel().toUtf8();
    const QByteArray bytes = build(channel);
    m_fixture->listener().setMaximumMessageSize(1024);
    RawClient client(m_fixture->socketPath());
    QVERIFY(client.isConnected());
    const QByteArray before = frameBytes(channel, "before");
    const QByteArray after = frameBytes(channel, "after"); // numbered after bytes: in order
    QVERIFY(client.write(before + bytes + after));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 2, 5000);
    QCOMPARE(m_fixture->received().at(0).at(0).value<XDMessage>().text(), QStringLiteral("before"));
    QCOMPARE(m_fixture->received().at(1).at(0).value<XDMessage>().text(), QStringLiteral("after"));
    QVERIFY(!client.closedByPeer());
    // The dropped one was taken too: the sender does not answer for it.
    QTRY_COMPARE_WITH_TIMEOUT(client.acknowledged(), quint64(3), 5000);
    QVERIFY2(!LibraryWarnings::captured().isEmpty(), "the dropped message is logged");
    QVERIFY2(LibraryWarnings::captured().last().contains(QStringLiteral("dropping a message")),
             qPrintable(LibraryWarnings::captured().last()));
    QVERIFY(client.write(frameBytes(channel, "later")));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 3, 5000);
    reportReliability(QStringLiteral("hostile input"), QString::fromLatin1(QTest::currentDataTag()),
                      QStringLiteral("that message dropped and logged; the connection and the listener kept serving"));
}

// A length of almost 4 GiB over the listener's limit: the frame is skipped as it comes,
// nothing of it is kept, and the connection stays.
void tst_Hostile::hugeLengthIsSkippedNotBuffered()
{
    QByteArray head = frameBytes(m_fixture->channel().toUtf8(), "x");
    head.chop(1);
    qToLittleEndian<quint32>(0xFFFFFFF0u, head.data() + 8);
    RawClient client(m_fixture->socketPath());
    QVERIFY(client.write(head));
    for (int i = 0; i < 16; ++i)
        QVERIFY(client.write(QByteArray(1024 * 1024, 'z')));
    QTRY_VERIFY_WITH_TIMEOUT(!LibraryWarnings::captured().isEmpty(), 5000);
    QVERIFY2(LibraryWarnings::captured().last().contains(QStringLiteral("exceeds")),
             qPrintable(LibraryWarnings::captured().last()));
    QVERIFY(!client.closedByPeer());
    QCOMPARE(m_fixture->received().size(), 0);
    expectStillServing();
    reportReliability(
            QStringLiteral("hostile input"), QStringLiteral("a length field of almost 4 GiB, then 16 MiB of bytes"),
            QStringLiteral("skipped as it came, nothing buffered or delivered; connection and listener kept serving"));
}

void tst_Hostile::partialFrameFromADyingSenderIsNeverDelivered()
{
    for (const int size : {10, 100, 200000}) {
        const QByteArray frame = frameBytes(m_fixture->channel().toUtf8(), QByteArray(size, 'p'));
        auto client = std::make_unique<RawClient>(m_fixture->socketPath());
        QVERIFY(client->write(frame.first(frame.size() - 1)));
        client.reset(); // the sender dies one byte short
        QTest::qWait(50);
    }
    QCOMPARE(m_fixture->received().size(), 0);
    expectStillServing();
    reportReliability(QStringLiteral("fault"),
                      QStringLiteral("a sender dying one byte short of a message (10 B, 100 B, 200 KB)"),
                      QStringLiteral("no partial message delivered; listener kept serving"));
}

void tst_Hostile::slowWriterStillDelivers()
{
    const QByteArray frame = frameBytes(m_fixture->channel().toUtf8(), "one byte at a time");
    RawClient client(m_fixture->socketPath());
    for (const char byte : frame) {
        QVERIFY(client.write(QByteArray(1, byte)));
        QCoreApplication::processEvents();
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 1, 5000);
    QCOMPARE(m_fixture->received().at(0).at(0).value<XDMessage>().text(), QStringLiteral("one byte at a time"));
    QVERIFY(LibraryWarnings::captured().isEmpty());
}

// A payload large enough to be read straight into its own buffer, written in uneven
// pieces with the event loop run between them, and a small frame in the same write as the
// last piece: each read that empties the socket returns to the event loop, and the next
// piece wakes the listener again.
void tst_Hostile::largeFrameInPiecesStillDelivers()
{
    QByteArray payload(300 * 1024, Qt::Uninitialized);
    for (qsizetype i = 0; i < payload.size(); ++i)
        payload[i] = char('a' + i % 26);
    const QByteArray large = frameBytes(m_fixture->channel().toUtf8(), payload, 0);
    const QByteArray small = frameBytes(m_fixture->channel().toUtf8(), "right behind it");
    RawClient client(m_fixture->socketPath());
    qsizetype written = 0;
    for (const qsizetype piece :
         {qsizetype(40), qsizetype(100), qsizetype(70 * 1024), qsizetype(1), qsizetype(90 * 1024)}) {
        QVERIFY(client.write(large.mid(written, piece)));
        written += piece;
        QCoreApplication::processEvents();
        QCOMPARE(m_fixture->received().size(), 0);
    }
    QVERIFY(client.write(large.sliced(written) + small));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 2, 5000);
    QCOMPARE(m_fixture->received().at(0).at(0).value<XDMessage>().payload(), payload);
    QCOMPARE(m_fixture->received().at(1).at(0).value<XDMessage>().text(), QStringLiteral("right behind it"));
    QVERIFY(LibraryWarnings::captured().isEmpty());
    QVERIFY(!client.closedByPeer());
}

void tst_Hostile::validFramesBeforeGarbageAreKept()
{
    RawClient client(m_fixture->socketPath());
    const QByteArray first = frameBytes(m_fixture->channel().toUtf8(), "first");
    const QByteArray second = frameBytes(m_fixture->channel().toUtf8(), "second");
    QVERIFY(client.write(
            first + second
            + QByteArray("garbage after valid frames, long enough for a whole header of sixty-four bytes")));
    QTRY_VERIFY_WITH_TIMEOUT(client.closedByPeer(), 5000);
    QCOMPARE(m_fixture->received().size(), 2);
    QCOMPARE(m_fixture->received().at(1).at(0).value<XDMessage>().text(), QStringLiteral("second"));
    expectStillServing();
}

void tst_Hostile::frameForUnregisteredChannelIsIgnored()
{
    RawClient client(m_fixture->socketPath());
    const QByteArray other = frameBytes("not-registered-here", "x");
    const QByteArray mine = frameBytes(m_fixture->channel().toUtf8(), "mine");
    QVERIFY(client.write(other + mine));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 1, 5000);
    QCOMPARE(m_fixture->received().at(0).at(0).value<XDMessage>().text(), QStringLiteral("mine"));
    QVERIFY(!client.closedByPeer()); // well-formed: the connection stays
}

namespace {

constexpr qint64 RingSize = 1024 * 1024;
constexpr unsigned int Sealed = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

} // namespace

// What the library's sender does, done by hand: a sealed memfd passed once, frames that
// say where their payloads lie in it. The listener takes them like any other.
void tst_Hostile::sharedMemoryFromARawSenderIsTaken()
{
    const QByteArray channel = m_fixture->channel().toUtf8();
    const QByteArray first(300 * 1024, 'a');
    const QByteArray second(200 * 1024, 'b');
    const int memory = sharedMemory(RingSize, first + second, Sealed);
    // One after the other: each takes the publisher's next sequence number.
    QByteArray bytes = frameBytes(channel, "before");
    bytes += sharedFrameBytes(channel, first.size(), 0);
    bytes += sharedFrameBytes(channel, second.size(), quint64(first.size()));
    RawClient client(m_fixture->socketPath());
    QVERIFY(client.writeWithDescriptors(bytes, {memory}));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 3, 5000);
    QCOMPARE(m_fixture->received().at(1).at(0).value<XDMessage>().payload(), first);
    QCOMPARE(m_fixture->received().at(2).at(0).value<XDMessage>().payload(), second);
    QTRY_COMPARE_WITH_TIMEOUT(client.acknowledged(), quint64(3), 5000);
    QVERIFY(!client.closedByPeer());
    QVERIFY(LibraryWarnings::captured().isEmpty());
}

void tst_Hostile::untrustworthySharedMemoryClosesTheConnection_data()
{
    // What the raw sender passes, and the frame it sends with it.
    using Descriptors = std::function<QList<int>()>;
    QTest::addColumn<Descriptors>("descriptors");
    QTest::addColumn<quint64>("offset");
    QTest::addColumn<QString>("logged");
    const Descriptors sealed = [] { return QList<int> {sharedMemory(RingSize, "x", Sealed)}; };
    QTest::newRow("a shared payload before any memory")
            << Descriptors([] { return QList<int>(); }) << quint64(0) << QStringLiteral("before any ring");
    // It could shrink the memory under the listener, which would then crash reading it.
    QTest::newRow("memory not sealed against shrinking")
            << Descriptors([] { return QList<int> {sharedMemory(RingSize, "x", F_SEAL_GROW)}; }) << quint64(0)
            << QStringLiteral("could still shrink");
    QTest::newRow("a pipe, not memory") << Descriptors([] {
        int ends[2];
        if (::pipe2(ends, O_CLOEXEC) != 0)
            qFatal("pipe2 failed");
        ::close(ends[1]);
        return QList<int> {ends[0]};
    }) << quint64(0) << QStringLiteral("not shared memory");
    QTest::newRow("two descriptors at once") << Descriptors([sealed] { return sealed() + sealed(); }) << quint64(0)
                                             << QStringLiteral("more than one descriptor");
    QTest::newRow("a payload reaching past the memory")
            << sealed << quint64(RingSize - 100 * 1024) << QStringLiteral("outside the ring");
    QTest::newRow("an offset that wraps around") << sealed << ~quint64(0) - 10 << QStringLiteral("outside the ring");
}

void tst_Hostile::untrustworthySharedMemoryClosesTheConnection()
{
    QFETCH(std::function<QList<int>()>, descriptors);
    QFETCH(quint64, offset);
    QFETCH(QString, logged);
    const QByteArray channel = m_fixture->channel().toUtf8();
    RawClient client(m_fixture->socketPath());
    const QByteArray shared = sharedFrameBytes(channel, 300 * 1024, offset);
    const QList<int> passed = descriptors();
    QVERIFY(passed.isEmpty() ? client.write(shared) : client.writeWithDescriptors(shared, passed));
    QTRY_VERIFY_WITH_TIMEOUT(client.closedByPeer(), 5000);
    QVERIFY2(!LibraryWarnings::captured().isEmpty(), "the refusal is logged");
    QVERIFY2(LibraryWarnings::captured().last().contains(logged), qPrintable(LibraryWarnings::captured().last()));
    QCOMPARE(m_fixture->received().size(), 0);
    expectStillServing();
    reportReliability(QStringLiteral("hostile input"), QString::fromLatin1(QTest::currentDataTag()),
                      QStringLiteral("refused and logged, connection closed, listener kept serving"));
}

// A connection has one ring for its lifetime: frames already read keep pointing into it.
void tst_Hostile::aSecondRingClosesTheConnection()
{
    const QByteArray channel = m_fixture->channel().toUtf8();
    RawClient client(m_fixture->socketPath());
    QVERIFY(client.writeWithDescriptors(frameBytes(channel, "first"), {sharedMemory(RingSize, "x", Sealed)}));
    QTRY_COMPARE_WITH_TIMEOUT(m_fixture->received().size(), 1, 5000);
    QVERIFY(client.writeWithDescriptors(frameBytes(channel, "second"), {sharedMemory(RingSize, "y", Sealed)}));
    QTRY_VERIFY_WITH_TIMEOUT(client.closedByPeer(), 5000);
    QVERIFY2(!LibraryWarnings::captured().isEmpty(), "the refusal is logged");
    QVERIFY2(LibraryWarnings::captured().last().contains(QStringLiteral("a second ring")),
             qPrintable(LibraryWarnings::captured().last()));
    QCOMPARE(m_fixture->received().size(), 1);
    expectStillServing();
}

QTEST_GUILESS_MAIN(tst_Hostile)
#include "tst_hostile.moc"
