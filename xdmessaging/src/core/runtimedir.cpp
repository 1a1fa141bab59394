// SPDX-License-Identifier: MIT
#include "core/runtimedir_p.h"

#include "core/systemerror_p.h"

#include <QtCore/QFile>

#include <cerrno>
#include <sys/stat.h>
#include <unistd.h>

namespace XDMessagingPrivate {

QString runtimeDirectoryPath()
{
    const QString explicitPath = qEnvironmentVariable("XDMESSAGING_RUNTIME_DIR");
    if (!explicitPath.isEmpty())
        return explicitPath;
    const QString xdgRuntime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!xdgRuntime.isEmpty())
        return xdgRuntime + QStringLiteral("/xdmessaging");
    return QStringLiteral("/tmp/xdmessaging-%1").arg(::getuid());
}

bool ensureRuntimeDirectory(const QString &path, QString *error)
{
    const QByteArray nativePath = QFile::encodeName(path);
    if (::mkdir(nativePath.constData(), 0700) != 0 && errno != EEXIST) {
        *error = QStringLiteral("cannot create runtime directory %1: %2").arg(path, systemErrorString(errno));
        return false;
    }
    struct stat status;
    if (::lstat(nativePath.constData(), &status) != 0) {
        *error = QStringLiteral("cannot inspect runtime directory %1: %2").arg(path, systemErrorString(errno));
        return false;
    }
    if (!S_ISDIR(status.st_mode)) {
        *error = QStringLiteral("runtime directory %1 is not a directory (a symbolic link or "
                                "file is refused)")
                         .arg(path);
        return false;
    }
    if (status.st_uid != ::getuid()) {
        *error = QStringLiteral("runtime directory %1 belongs to uid %2, not to this user (uid %3)")
                         .arg(path)
                         .arg(status.st_uid)
                         .arg(::getuid());
        return false;
    }
    if ((status.st_mode & 077) != 0) {
        *error = QStringLiteral("runtime directory %1 has mode %2; it must not be open to group "
                                "or others (expected 0700)")
                         .arg(path)
                         .arg(status.st_mode & 0777, 4, 8, QLatin1Char('0'));
        return false;
    }
    if (::access(nativePath.constData(), W_OK | X_OK) != 0) {
        *error = QStringLiteral("runtime directory %1 is not writable: %2").arg(path, systemErrorString(errno));
        return false;
    }
    return true;
}

} // namespace XDMessagingPrivate
