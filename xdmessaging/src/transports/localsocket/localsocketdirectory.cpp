// SPDX-License-Identifier: MIT
#include "transports/localsocket/localsocketdirectory_p.h"

#include "core/logging_p.h"
#include "core/runtimedir_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QFile>
#include <QtCore/QHash>

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr QLatin1StringView ManifestSuffix(".manifest");
constexpr QLatin1StringView SocketSuffix(".sock");
constexpr off_t GenerationFileSize = 4096;

QString idName(const QUuid &id)
{
    return id.toString(QUuid::Id128);
}

} // namespace

std::shared_ptr<LocalSocketDirectory> LocalSocketDirectory::open(QString *error)
{
    static std::mutex mutex;
    static QHash<QString, std::weak_ptr<LocalSocketDirectory>> directories;

    const QString path = runtimeDirectoryPath();
    if (!ensureRuntimeDirectory(path, error))
        return {};
    std::lock_guard lock(mutex);
    if (auto existing = directories.value(path).lock())
        return existing;
    std::shared_ptr<LocalSocketDirectory> directory(new LocalSocketDirectory(path));
    if (!directory->mapGeneration(error))
        return {};
    directories.insert(path, directory);
    return directory;
}

LocalSocketDirectory::LocalSocketDirectory(const QString &path) : m_path(path) {}

LocalSocketDirectory::~LocalSocketDirectory()
{
    for (quint64 *mapping : m_mappings)
        ::munmap(mapping, GenerationFileSize);
}

bool LocalSocketDirectory::isIntact() const
{
    struct stat status;
    const QString generationPath = m_path + QStringLiteral("/generation");
    std::lock_guard lock(const_cast<std::mutex &>(m_mappingMutex));
    return ::lstat(QFile::encodeName(generationPath).constData(), &status) == 0 && status.st_dev == m_generationDevice
           && status.st_ino == m_generationInode;
}

bool LocalSocketDirectory::reopen(QString *error)
{
    return ensureRuntimeDirectory(m_path, error) && mapGeneration(error);
}

bool LocalSocketDirectory::mapGeneration(QString *error)
{
    const QString generationPath = m_path + QStringLiteral("/generation");
    FileDescriptor file(
            ::open(QFile::encodeName(generationPath).constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600));
    struct stat status;
    if (!file.isValid() || ::fstat(file.get(), &status) != 0) {
        *error = QStringLiteral("cannot open %1: %2").arg(generationPath, systemErrorString(errno));
        return false;
    }
    if (!S_ISREG(status.st_mode) || status.st_uid != ::getuid()) {
        *error = QStringLiteral("%1 is not a regular file of this user").arg(generationPath);
        return false;
    }
    // Growing a file that is already large enough is harmless, so racing creators agree.
    if (status.st_size < GenerationFileSize && ::ftruncate(file.get(), GenerationFileSize) != 0) {
        *error = QStringLiteral("cannot size %1: %2").arg(generationPath, systemErrorString(errno));
        return false;
    }
    void *mapping = ::mmap(nullptr, GenerationFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, file.get(), 0);
    if (mapping == MAP_FAILED) {
        *error = QStringLiteral("cannot map %1: %2").arg(generationPath, systemErrorString(errno));
        return false;
    }
    std::lock_guard lock(m_mappingMutex);
    m_mappings.push_back(static_cast<quint64 *>(mapping));
    m_generationDevice = status.st_dev;
    m_generationInode = status.st_ino;
    m_generation.store(m_mappings.back(), std::memory_order_release);
    return true;
}

QString LocalSocketDirectory::socketPath(const QUuid &id) const
{
    return m_path + QLatin1Char('/') + idName(id) + SocketSuffix;
}

QString LocalSocketDirectory::manifestPath(const QUuid &id) const
{
    return m_path + QLatin1Char('/') + idName(id) + ManifestSuffix;
}

quint64 LocalSocketDirectory::generation() const
{
    return __atomic_load_n(m_generation.load(std::memory_order_acquire), __ATOMIC_ACQUIRE);
}

void LocalSocketDirectory::bumpGeneration()
{
    __atomic_add_fetch(m_generation.load(std::memory_order_acquire), 1, __ATOMIC_RELEASE);
}

bool LocalSocketDirectory::publish(const ListenerManifest &manifest, QString *error)
{
    if (!writeFileAtomically(m_path, idName(manifest.id) + ManifestSuffix, encodeManifest(manifest), error)) {
        return false;
    }
    bumpGeneration();
    return true;
}

void LocalSocketDirectory::removeEndpoint(const QUuid &id)
{
    // The manifest goes first: a sender that still sees it finds a refusing socket
    // and treats the listener as gone, never as failed.
    ::unlink(QFile::encodeName(manifestPath(id)).constData());
    bumpGeneration();
    ::unlink(QFile::encodeName(socketPath(id)).constData());
}

QList<ListenerManifest> LocalSocketDirectory::scan()
{
    QList<ListenerManifest> manifests;
    DIR *dir = ::opendir(QFile::encodeName(m_path).constData());
    if (!dir) {
        // Senders warn once about an unusable directory; this runs on every rescan.
        qCDebug(lcXDLocalSocket, "cannot read runtime directory %ls: %ls", qUtf16Printable(m_path),
                qUtf16Printable(systemErrorString(errno)));
        return manifests;
    }
    while (const dirent *entry = ::readdir(dir)) {
        const QString name = QFile::decodeName(entry->d_name);
        if (!name.endsWith(ManifestSuffix))
            continue;
        const QString path = m_path + QLatin1Char('/') + name;
        QByteArray bytes;
        QString error;
        ListenerManifest manifest;
        const bool valid = readOwnRegularFile(path, MaximumManifestBytes, &bytes, &error)
                           && decodeManifest(bytes, &manifest, &error) && name == idName(manifest.id) + ManifestSuffix;
        if (valid) {
            manifests.append(manifest);
            continue;
        }
        if (!QFile::exists(path))
            continue; // removed while we looked: a listener that just left
        if (error.isEmpty())
            error = QStringLiteral("file name does not match the listener id");
        std::lock_guard lock(m_loggedMutex);
        if (!m_loggedInvalid.contains(path)) {
            m_loggedInvalid.insert(path);
            qCWarning(lcXDLocalSocket, "ignoring invalid manifest %ls: %ls", qUtf16Printable(path),
                      qUtf16Printable(error));
        }
    }
    ::closedir(dir);
    return manifests;
}

} // namespace XDMessagingPrivate
