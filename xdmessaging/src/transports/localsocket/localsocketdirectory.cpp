// SPDX-License-Identifier: MIT
#include "transports/localsocket/localsocketdirectory_p.h"

#include "core/logging_p.h"
#include "core/runtimedir_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QFile>
#include <QtCore/QHash>

#include <dirent.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr QLatin1StringView ManifestSuffix(".manifest");
constexpr QLatin1StringView SocketSuffix(".sock");

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
    directory->m_generations = ListenerGenerations::open(path, error);
    if (!directory->m_generations)
        return {};
    directories.insert(path, directory);
    return directory;
}

LocalSocketDirectory::LocalSocketDirectory(const QString &path) : m_path(path) {}

LocalSocketDirectory::~LocalSocketDirectory() = default;

bool LocalSocketDirectory::isIntact() const
{
    return m_generations->isIntact();
}

bool LocalSocketDirectory::reopen(QString *error)
{
    return ensureRuntimeDirectory(m_path, error) && m_generations->remap(error);
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
    return m_generations->load(ListenerGenerations::Counter::LocalSocket);
}

void LocalSocketDirectory::bumpGeneration()
{
    m_generations->bump(ListenerGenerations::Counter::LocalSocket);
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
