// SPDX-License-Identifier: MIT
// The per-user runtime directory: where it is, that it is created private, and that an
// unsafe or unusable one is refused with an error naming it.
#include "core/runtimedir_p.h"
#include "transports/localsocket/localsocketdirectory_p.h"

#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdlistener.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

using namespace XDMessagingPrivate;

namespace {

constexpr uid_t Nobody = 65534;

// The file type and permission bits of path itself (not of a link's target); 0 if missing.
uint modeOf(const QString &path)
{
    struct stat status;
    if (::lstat(QFile::encodeName(path).constData(), &status) != 0)
        return 0;
    return status.st_mode;
}

// What the system calls an error, as the library quotes it: independent of the locale.
QString systemError(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

bool setMode(const QString &path, uint mode)
{
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

// Root ignores permission bits, so a root run of the tests about them becomes nobody for
// their duration: real and effective ids, with root kept as the saved id to come back.
// An ordinary user stays who it is.
class OrdinaryUser
{
public:
    OrdinaryUser()
    {
        if (::getuid() != 0)
            return;
        m_gidSwitched = ::setresgid(Nobody, Nobody, 0) == 0;
        m_uidSwitched = ::setresuid(Nobody, Nobody, 0) == 0;
    }
    ~OrdinaryUser()
    {
        // Root first: only root may take back the group.
        const bool restored =
                (!m_uidSwitched || ::setresuid(0, 0, 0) == 0) && (!m_gidSwitched || ::setresgid(0, 0, 0) == 0);
        if (!restored)
            qCritical("could not become root again; the tests after this one may fail");
    }
    OrdinaryUser(const OrdinaryUser &) = delete;
    OrdinaryUser &operator=(const OrdinaryUser &) = delete;

    bool isOrdinary() const { return ::getuid() != 0 && ::geteuid() != 0; }
    // The uid tests give their directories to before switching.
    static uid_t uid() { return ::getuid() == 0 ? Nobody : ::getuid(); }

private:
    bool m_gidSwitched = false;
    bool m_uidSwitched = false;
};

bool giveToOrdinaryUser(const QString &path)
{
    return ::chown(QFile::encodeName(path).constData(), OrdinaryUser::uid(), gid_t(-1)) == 0;
}

bool isEmptyDirectory(const QString &path)
{
    return QDir(path).isEmpty(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot);
}

} // namespace

class tst_RuntimeDir : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void pathPrecedence();
    void xdgRuntimeDirIsUsed();
    void createdWithMode0700();
    void listenerCreatesItPrivately();
    void openDirectoryRefused_data();
    void openDirectoryRefused();
    void symlinkRefused_data();
    void symlinkRefused();
    void plainFileRefused();
    void missingParentIsAClearError();
    void unwritableParentIsAClearError();
    void unwritableDirectoryRefused();
    void otherOwnerRefused();
    void sendFailsClearly();
    void plantedSymlinkManifestNotFollowed();

private:
    QString freshPath(const QString &name) { return m_temp->filePath(name); }
    void expectRefused(const QString &path, const QString &reason);
    std::unique_ptr<QTemporaryDir> m_temp;
};

void tst_RuntimeDir::init()
{
    m_temp = std::make_unique<QTemporaryDir>();
    QVERIFY(m_temp->isValid());
    // Traversable for the ordinary user some tests become; its contents decide the rest.
    QVERIFY(setMode(m_temp->path(), 0755));
    qunsetenv("XDMESSAGING_TRANSPORT");
    qunsetenv("XDG_RUNTIME_DIR");
    qunsetenv("XDMESSAGING_RUNTIME_DIR");
}

void tst_RuntimeDir::cleanup()
{
    qunsetenv("XDG_RUNTIME_DIR");
    qunsetenv("XDMESSAGING_RUNTIME_DIR");
}

// A listener and a broadcaster on path both fail with RuntimeDirectoryError, naming the
// path and saying why.
void tst_RuntimeDir::expectRefused(const QString &path, const QString &reason)
{
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    XDListener listener;
    QSignalSpy errors(&listener, &XDListener::errorOccurred);
    QVERIFY(!listener.registerChannel(QStringLiteral("c")));
    QCOMPARE(listener.error(), XDError::RuntimeDirectoryError);
    QVERIFY2(listener.errorString().contains(path), qPrintable(listener.errorString()));
    QVERIFY2(listener.errorString().contains(reason), qPrintable(listener.errorString()));
    QCOMPARE(errors.size(), 0); // errorOccurred() comes from the event loop, once the call returned
    QTRY_COMPARE(errors.size(), 1);
    QVERIFY(listener.channels().isEmpty());

    const XDSendResult result = XDBroadcaster().sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
    QVERIFY(!result);
    QCOMPARE(result.error(), XDError::RuntimeDirectoryError);
    QVERIFY2(result.errorString().contains(path), qPrintable(result.errorString()));
    QVERIFY2(result.errorString().contains(reason), qPrintable(result.errorString()));
}

void tst_RuntimeDir::pathPrecedence()
{
    const QString explicitPath = freshPath(QStringLiteral("explicit"));
    const QString xdg = freshPath(QStringLiteral("xdg"));
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(explicitPath));
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(xdg));
    QCOMPARE(runtimeDirectoryPath(), explicitPath);
    qputenv("XDMESSAGING_RUNTIME_DIR", QByteArray()); // set but empty counts as unset
    QCOMPARE(runtimeDirectoryPath(), xdg + QStringLiteral("/xdmessaging"));
    qunsetenv("XDMESSAGING_RUNTIME_DIR");
    QCOMPARE(runtimeDirectoryPath(), xdg + QStringLiteral("/xdmessaging"));
    qputenv("XDG_RUNTIME_DIR", QByteArray());
    QCOMPARE(runtimeDirectoryPath(), QStringLiteral("/tmp/xdmessaging-%1").arg(::getuid()));
    qunsetenv("XDG_RUNTIME_DIR");
    QCOMPARE(runtimeDirectoryPath(), QStringLiteral("/tmp/xdmessaging-%1").arg(::getuid()));
}

// Without XDMESSAGING_RUNTIME_DIR, listeners really publish under $XDG_RUNTIME_DIR.
void tst_RuntimeDir::xdgRuntimeDirIsUsed()
{
    const QString xdg = freshPath(QStringLiteral("xdg-used"));
    QVERIFY(QDir().mkdir(xdg));
    qputenv("XDG_RUNTIME_DIR", QFile::encodeName(xdg));
    XDListener listener;
    QVERIFY2(listener.registerChannel(QStringLiteral("c")), qPrintable(listener.errorString()));
    const QString directory = xdg + QStringLiteral("/xdmessaging");
    QCOMPARE(modeOf(directory), uint(S_IFDIR | 0700));
    QVERIFY(QFileInfo::exists(directory + QLatin1Char('/') + listener.id().toString(QUuid::Id128)
                              + QStringLiteral(".manifest")));
}

void tst_RuntimeDir::createdWithMode0700()
{
    const QString path = freshPath(QStringLiteral("rt"));
    QString error;
    QVERIFY2(ensureRuntimeDirectory(path, &error), qPrintable(error));
    QCOMPARE(modeOf(path), uint(S_IFDIR | 0700));
    QVERIFY2(ensureRuntimeDirectory(path, &error), "an existing safe directory is accepted");
}

void tst_RuntimeDir::listenerCreatesItPrivately()
{
    const QString path = freshPath(QStringLiteral("created"));
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    // With no umask to help, the mode must come from the library itself.
    const mode_t previousUmask = ::umask(0);
    XDListener listener;
    const bool registered = listener.registerChannel(QStringLiteral("c"));
    ::umask(previousUmask);
    QVERIFY2(registered, qPrintable(listener.errorString()));
    QCOMPARE(modeOf(path), uint(S_IFDIR | 0700));
    const QString endpoint = path + QLatin1Char('/') + listener.id().toString(QUuid::Id128);
    QCOMPARE(modeOf(endpoint + QStringLiteral(".manifest")) & 077, 0u);
    QVERIFY(S_ISSOCK(modeOf(endpoint + QStringLiteral(".sock"))));
}

void tst_RuntimeDir::openDirectoryRefused_data()
{
    QTest::addColumn<uint>("mode");
    QTest::addColumn<QString>("shown");
    QTest::newRow("0755") << 0755u << QStringLiteral("0755");
    QTest::newRow("0750") << 0750u << QStringLiteral("0750");
    QTest::newRow("0770") << 0770u << QStringLiteral("0770");
    QTest::newRow("0710, group may enter") << 0710u << QStringLiteral("0710");
    QTest::newRow("0701, others may enter") << 0701u << QStringLiteral("0701");
    QTest::newRow("0777") << 0777u << QStringLiteral("0777");
    QTest::newRow("1777, like /tmp") << 01777u << QStringLiteral("0777");
}

void tst_RuntimeDir::openDirectoryRefused()
{
    QFETCH(uint, mode);
    QFETCH(QString, shown);
    const QString path = freshPath(QStringLiteral("open"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(setMode(path, mode));
    expectRefused(path, shown);
    if (QTest::currentTestFailed())
        return;
    // Refused means untouched: not repaired behind the user's back, nothing written into it.
    QCOMPARE(modeOf(path), uint(S_IFDIR | mode));
    QVERIFY(isEmptyDirectory(path));
}

void tst_RuntimeDir::symlinkRefused_data()
{
    QTest::addColumn<bool>("targetExists");
    QTest::newRow("to a private directory") << true;
    QTest::newRow("dangling") << false;
}

void tst_RuntimeDir::symlinkRefused()
{
    QFETCH(bool, targetExists);
    const QString target = freshPath(QStringLiteral("target"));
    const QString link = freshPath(QStringLiteral("link"));
    if (targetExists) {
        QVERIFY(QDir().mkdir(target));
        QVERIFY(setMode(target, 0700));
    }
    QVERIFY(QFile::link(target, link));
    QString error;
    QVERIFY(!ensureRuntimeDirectory(link, &error));
    QVERIFY2(error.contains(link) && error.contains(QStringLiteral("symbolic link")), qPrintable(error));
    expectRefused(link, QStringLiteral("symbolic link"));
    if (QTest::currentTestFailed())
        return;
    // Nothing was created through the link.
    if (targetExists)
        QVERIFY(isEmptyDirectory(target));
    else
        QVERIFY(!QFileInfo::exists(target));
}

void tst_RuntimeDir::plainFileRefused()
{
    const QString path = freshPath(QStringLiteral("file"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.close();
    expectRefused(path, QStringLiteral("not a directory"));
    if (QTest::currentTestFailed())
        return;
    QCOMPARE(QFileInfo(path).size(), 0);
}

void tst_RuntimeDir::missingParentIsAClearError()
{
    const QString path = freshPath(QStringLiteral("no/such/parent/rt"));
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("cannot create")), qPrintable(error));
    expectRefused(path, systemError(ENOENT));
}

void tst_RuntimeDir::unwritableParentIsAClearError()
{
    const QString parent = freshPath(QStringLiteral("locked"));
    QVERIFY(QDir().mkdir(parent));
    QVERIFY(setMode(parent, 0555));
    const QString path = parent + QStringLiteral("/rt");
    OrdinaryUser user;
    QVERIFY2(user.isOrdinary(), "cannot give up root for this test");
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("cannot create")), qPrintable(error));
    expectRefused(path, systemError(EACCES));
    if (QTest::currentTestFailed())
        return;
    QVERIFY(!QFileInfo::exists(path));
}

void tst_RuntimeDir::unwritableDirectoryRefused()
{
    const QString path = freshPath(QStringLiteral("readonly"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(setMode(path, 0500));
    QVERIFY(giveToOrdinaryUser(path));
    OrdinaryUser user;
    QVERIFY2(user.isOrdinary(), "cannot give up root for this test");
    expectRefused(path, QStringLiteral("not writable"));
}

void tst_RuntimeDir::otherOwnerRefused()
{
    if (::getuid() != 0)
        QSKIP("giving a directory to another user needs root");
    const QString path = freshPath(QStringLiteral("foreign"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(setMode(path, 0700));
    QVERIFY(::chown(QFile::encodeName(path).constData(), Nobody, Nobody) == 0);
    QString error;
    QVERIFY(!ensureRuntimeDirectory(path, &error));
    QVERIFY2(error.contains(path) && error.contains(QStringLiteral("uid 65534")), qPrintable(error));
    expectRefused(path, QStringLiteral("uid 65534"));
}

void tst_RuntimeDir::sendFailsClearly()
{
    const QString path = freshPath(QStringLiteral("send-open"));
    QVERIFY(QDir().mkdir(path));
    QVERIFY(setMode(path, 0777));
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(path));
    XDBroadcaster broadcaster;
    const XDSendResult result = broadcaster.sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
    QVERIFY(!result);
    QCOMPARE(result.error(), XDError::RuntimeDirectoryError);
    QVERIFY2(result.errorString().contains(path), qPrintable(result.errorString()));
    QString listingError;
    QVERIFY(broadcaster.listeners(&listingError).isEmpty());
    QVERIFY2(listingError.contains(path), qPrintable(listingError));

    // A failure is not remembered: once the directory is made safe, sending works.
    QVERIFY(setMode(path, 0700));
    const XDSendResult fixed = broadcaster.sendToChannel(QStringLiteral("c"), QStringLiteral("x"));
    QVERIFY2(fixed, qPrintable(fixed.errorString()));
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
    const QString planted = path + QLatin1Char('/') + manifest.id.toString(QUuid::Id128) + QStringLiteral(".manifest");
    QVERIFY(QFile::link(outside, planted));

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("ignoring invalid manifest")));
    QVERIFY(directory->scan().isEmpty());
}

QTEST_GUILESS_MAIN(tst_RuntimeDir)
#include "tst_runtimedir.moc"
