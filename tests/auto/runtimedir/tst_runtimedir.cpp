// SPDX-License-Identifier: MIT
// The per-user runtime directory: where it is, and that an unsafe one is refused.
#include "core/runtimedir_p.h"
#include "transports/localsocket/localsocketdirectory_p.h"

#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdlistener.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace XDMessagingPrivate;

class tst_RuntimeDir : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void pathPrecedence();
    void createdWithMode0700();
    void openDirectoryRefused();
    void symlinkRefused();
    void plainFileRefused();
    void missingParentIsAClearError();
    void otherOwnerRefused();
    void sendFailsClearly();
    void plantedSymlinkManifestNotFollowed();

private:
    QString freshPath(const QString &name) { return m_temp->filePath(name); }
    std::unique_ptr<QTemporaryDir> m_temp;
};

void tst_RuntimeDir::init()
{
    m_temp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_temp->isValid());
}

void tst_RuntimeDir::pathPrecedence()
{
    qputenv("XDMESSAGING_RUNTIME_DIR", "/explicit/dir");
    qputenv("XDG_RUNTIME_DIR", "/run/user/1234");
    QCOMPARE(runtimeDirectoryPath(), QStringLiteral("/explicit/dir"));
    qunsetenv("XDMESSAGING_RUNTIME_DIR");
    QCOMPARE(runtimeDirectoryPath(), QStringLiteral("/run/user/1234/xdmessaging"));
    qunsetenv("XDG_RUNTIME_DIR");
    QCOMPARE(runtimeDirectoryPath(), QStringLiteral("/tmp/xdmessaging-%1").arg(::getuid()));
}

void tst_RuntimeDir::createdWithMode0700()
{
    const QString path = freshPath(QStringLiteral("rt"));
    QString error;
    QVERIFY2(ensureRuntimeDirectory(path, &error), qPrintable(error));
    struct stat status;
    QCOMPARE(::lstat(QFile::encodeName(path).constData(), &status), 0);
    QVERIFY(S_ISDIR(status.st_mode));
    QCOMPARE(status.st_mode & 0777, 0700u);
    QVERIFY2(ensureRuntimeDirectory(path, &error), "an existing safe directory is accepted");
}

void tst_RuntimeDir::openDirectoryRefused()
{
    const QString path = freshPath(QStringLiteral("open"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0755) == 0);
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    XDListener listener;
    QVERIFY(!listener.registerChannel(QStringLiteral("c")));
    QCOMPARE(listener.error(), XDError::RuntimeDirectoryError);
    QVERIFY2(listener.errorString().contains(path), qPrintable(listener.errorString()));
    QVERIFY2(listener.errorString().contains(QStringLiteral("0755")), qPrintable(listener.errorString()));
}

void tst_RuntimeDir::symlinkRefused()
{
    const QString target = freshPath(QStringLiteral("target"));
    const QString link = freshPath(QStringLiteral("link"));
    QVERIFY(QDir().mkdir(target));
    QVERIFY(::chmod(QFile::encodeName(target).constData(), 0700) == 0);
    QVERIFY(QFile::link(target, link));
    QString error;
    QVERIFY(!ensureRuntimeDirectory(link, &error));
    QVERIFY2(error.contains(link) && error.contains(QStringLiteral("not a directory")), qPrintable(error));
}

void tst_RuntimeDir::plainFileRefused()
{
    const QString path = freshPath(QStringLiteral("file"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path), qPrintable(error));
}

void tst_RuntimeDir::missingParentIsAClearError()
{
    const QString path = freshPath(QStringLiteral("no/such/parent/rt"));
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("cannot create")), qPrintable(error));
}

void tst_RuntimeDir::otherOwnerRefused()
{
    if (::getuid() != 0)
        QSKIP("giving a directory to another user needs root");
    const QString path = freshPath(QStringLiteral("foreign"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0700) == 0);
    QVERIFY(::chown(QFile::encodeName(path).constData(), 65534, 65534) == 0);
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("uid 65534")), qPrintable(error));
}

void tst_RuntimeDir::sendFailsClearly()
{
    const QString path = freshPath(QStringLiteral("send-open"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(::chmod(QFile::encodeName(path).constData(), 0777) == 0);
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
    QVERIFY(!result);
    QCOMPARE(result.error(), XDError::RuntimeDirectoryError);
    QVERIFY2(result.errorString().contains(path), qPrintable(result.errorString()));
}

void tst_RuntimeDir::plantedSymlinkManifestNotFollowed()
{
    const QString path = freshPath(QStringLiteral("planted"));
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    QString error;
    const std::shared_ptr<LocalSocketDirectory> directory = LocalSocketDirectory::open(&error);
    QVERIFY2(directory, qPrintable(error));

    // A valid manifest outside the directory, reachable only through a planted link.
    ListenerManifest manifest;
    manifest.id = QUuid::createUuid();
    manifest.pid = 1;
    manifest.channels = {QStringLiteral("c")};
    const QString outside = freshPath(QStringLiteral("outside.manifest"));
    QFile file(outside);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(encodeManifest(manifest));
    file.close();
    const QString planted = path + QLatin1Char('/') + manifest.id.toString(QUuid::Id128)
            + QStringLiteral(".manifest");
    QVERIFY(QFile::link(outside, planted));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring invalid manifest")));
    QVERIFY(directory->scan().isEmpty());
}

QTEST_GUILESS_MAIN(tst_RuntimeDir)
#include "tst_runtimedir.moc"
