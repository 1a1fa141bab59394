// SPDX-License-Identifier: MIT
// Another user of the machine can neither reach a listener nor read its endpoints.
// Runs a real sender as `nobody` through setpriv, so it needs root.
#include "peerprocess.h"
#include "listenerfixture.h"
#include "reliabilityreport.h"

#include "codec/frame_p.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCryptographicHash>

#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>
#include <unistd.h>

namespace {} // namespace

class tst_Security : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void endpointsArePrivate();
    void otherUserCannotConnect();
    void otherUserRefusedByPeerCredentials();
    void otherUserCannotUseTheDirectory();
    void retainedValueOfAnotherUserIsIgnored();
    void otherUserCannotReadARetainedValue();

private:
    // testpeer run as nobody, with the test's runtime directory.
    QString runAsNobody(const QStringList &arguments, int *exitCode = nullptr);
    // Where the local store keeps channel's retained value.
    QString retainedPath(const QString &channel) const;

    std::unique_ptr<ListenerFixture> m_fixture;
};

void tst_Security::initTestCase()
{
    if (::getuid() != 0)
        QSKIP("running a sender as another user needs root");
    if (QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
        QSKIP("setpriv (util-linux) is not installed");
    qunsetenv("XDMESSAGING_TRANSPORT");
    LibraryWarnings::capture();
}

void tst_Security::init()
{
    m_fixture = std::make_unique<ListenerFixture>(QStringLiteral("secure-"));
    QVERIFY(m_fixture->isListening());
    LibraryWarnings::captured().clear();
}

void tst_Security::cleanup()
{
    m_fixture.reset();
}

QString tst_Security::runAsNobody(const QStringList &arguments, int *exitCode)
{
    PeerProcess peer(QStringLiteral("setpriv"), m_fixture->runtimeDir(),
                     QStringList {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                                  QStringLiteral("--clear-groups"), QStringLiteral("--"), QStringLiteral(TESTPEER_PATH)}
                             + arguments);
    // Keep the event loop going: the listener in this process must be able to answer.
    QDeadlineTimer deadline(20000);
    while (peer.process().state() != QProcess::NotRunning && !deadline.hasExpired())
        QTest::qWait(20);
    peer.waitForFinished(0);
    if (exitCode)
        *exitCode = peer.process().exitCode();
    return peer.lastLine();
}

void tst_Security::endpointsArePrivate()
{
    struct stat status;
    QCOMPARE(::stat(QFile::encodeName(m_fixture->runtimeDir()).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0777, 0700u);
    const QString manifest =
            QDir(m_fixture->runtimeDir())
                    .filePath(m_fixture->listener().id().toString(QUuid::Id128) + QStringLiteral(".manifest"));
    QCOMPARE(::stat(QFile::encodeName(manifest).constData(), &status), 0);
    QCOMPARE(status.st_mode & 0077, 0u);
}

void tst_Security::otherUserCannotConnect()
{
    const QString result = runAsNobody(
            {QStringLiteral("rawsend"), m_fixture->socketPath(), m_fixture->channel(), QStringLiteral("intruder")});
    QVERIFY2(result.startsWith(QStringLiteral("CONNECT-FAILED")), qPrintable(result));
    QCOMPARE(m_fixture->received().size(), 0);
    reportReliability(
            QStringLiteral("security"), QStringLiteral("a process of uid nobody connects to a listener's socket"),
            QStringLiteral("refused by the 0700 runtime directory (%1)").arg(result.section(QLatin1Char(' '), 1)));
}

void tst_Security::otherUserRefusedByPeerCredentials()
{
    // Open the way on purpose, as a careless administrator might: the listener must still
    // refuse the foreign peer by its credentials.
    QVERIFY(::chmod(QFile::encodeName(m_fixture->runtimeDir()).constData(), 0711) == 0);
    QVERIFY(::chmod(QFile::encodeName(m_fixture->socketPath()).constData(), 0777) == 0);
    const QString result = runAsNobody(
            {QStringLiteral("rawsend"), m_fixture->socketPath(), m_fixture->channel(), QStringLiteral("intruder")});
    QCOMPARE(result, QStringLiteral("CLOSED"));
    QTest::qWait(100);
    QCOMPARE(m_fixture->received().size(), 0);
    QVERIFY2(LibraryWarnings::captured()
                     .join(QLatin1Char('\n'))
                     .contains(QStringLiteral("refused a connection from uid 65534")),
             qPrintable(LibraryWarnings::captured().join(QLatin1Char('\n'))));
    reportReliability(QStringLiteral("security"),
                      QStringLiteral("uid nobody connects with directory and socket opened to all"),
                      QStringLiteral("connection closed by the listener (SO_PEERCRED), nothing delivered, logged"));
}

void tst_Security::otherUserCannotUseTheDirectory()
{
    int exitCode = 0;
    const QString result = runAsNobody(
            {QStringLiteral("send"), m_fixture->channel(), QStringLiteral("1"), QStringLiteral("n")}, &exitCode);
    QCOMPARE(exitCode, 1);
    QVERIFY2(result.startsWith(QStringLiteral("SENT 0 1")), qPrintable(result));
    QCOMPARE(m_fixture->received().size(), 0);
    reportReliability(QStringLiteral("security"),
                      QStringLiteral("a sender of uid nobody pointed at this user's runtime directory"),
                      QStringLiteral("send fails with a clear RuntimeDirectoryError; nothing delivered"));
}

QString tst_Security::retainedPath(const QString &channel) const
{
    return m_fixture->runtimeDir() + QStringLiteral("/retained/")
           + QString::fromLatin1(QCryptographicHash::hash(channel.toUtf8(), QCryptographicHash::Sha256).toHex());
}

// A retained value is a file in the runtime directory: one that another user owns (here
// planted by root, as nobody cannot even enter the directory) is never delivered.
void tst_Security::retainedValueOfAnotherUserIsIgnored()
{
    const QString channel = m_fixture->channel() + QStringLiteral("-retained");
    XDBroadcaster broadcaster(XDTransport::LocalSocket);
    QVERIFY(broadcaster.sendRetained(channel + QStringLiteral("-own"), QStringLiteral("mine")).isOk());
    XDMessagingPrivate::FrameMeta meta;
    meta.payloadType = 1;
    meta.senderPid = 1;
    meta.publisher = 1;
    meta.sequence = 1;
    meta.flags = XDMessagingPrivate::RetainedFlag;
    const XDMessagingPrivate::EncodedFrame frame =
            XDMessagingPrivate::encodeFrame(meta, channel.toUtf8(), "intruder", "planted");
    const QString path = retainedPath(channel);
    QFile planted(path);
    QVERIFY(planted.open(QIODevice::WriteOnly));
    planted.write(frame.head + frame.payload);
    planted.close();
    QVERIFY(::chown(QFile::encodeName(path).constData(), 65534, 65534) == 0);

    XDListener listener(XDTransport::LocalSocket);
    QSignalSpy received(&listener, &XDListener::messageReceived);
    QVERIFY(listener.registerChannel(channel));
    QTest::qWait(200);
    QCOMPARE(received.count(), 0);
    QVERIFY2(
            LibraryWarnings::captured().join(QLatin1Char('\n')).contains(QStringLiteral("ignoring the retained value")),
            qPrintable(LibraryWarnings::captured().join(QLatin1Char('\n'))));
    reportReliability(QStringLiteral("security"), QStringLiteral("a retained value planted by another user"),
                      QStringLiteral("ignored with a warning; nothing delivered"));
}

// Another user gets a retained value neither through the library (a listener of theirs
// is refused the directory) nor by opening its file.
void tst_Security::otherUserCannotReadARetainedValue()
{
    const QString channel = m_fixture->channel() + QStringLiteral("-secret");
    QVERIFY(XDBroadcaster(XDTransport::LocalSocket).sendRetained(channel, QStringLiteral("the secret")).isOk());
    const QString path = retainedPath(channel);
    QVERIFY2(QFile::exists(path), qPrintable(path));

    int exitCode = 0;
    const QString listened = runAsNobody({QStringLiteral("listen"), channel}, &exitCode);
    QCOMPARE(exitCode, 1);
    QVERIFY2(!listened.contains(QStringLiteral("secret")), qPrintable(listened));

    QProcess reader;
    reader.start(QStringLiteral("setpriv"),
                 {QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"), QStringLiteral("--clear-groups"),
                  QStringLiteral("--"), QStringLiteral("cat"), path});
    QVERIFY(reader.waitForFinished(10000));
    QVERIFY(reader.exitCode() != 0);
    QVERIFY(!reader.readAllStandardOutput().contains("secret"));
    QVERIFY2(reader.readAllStandardError().contains("Permission denied"), "cat was refused by the file system");
    reportReliability(QStringLiteral("security"), QStringLiteral("a process of uid nobody reads a retained value"),
                      QStringLiteral("its listener is refused the directory, and the file cannot be opened"));
}

QTEST_GUILESS_MAIN(tst_Security)
#include "tst_security.moc"
