// SPDX-License-Identifier: MIT
#include "core/listenergenerations_p.h"

#include "core/runtimedir_p.h"
#include "core/systemerror_p.h"

#include <QtCore/QFile>
#include <QtCore/QHash>

#include <cerrno>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr off_t GenerationFileSize = 4096;

} // namespace

std::shared_ptr<ListenerGenerations> ListenerGenerations::open(const QString &path, QString *error)
{
    static std::mutex mutex;
    static QHash<QString, std::weak_ptr<ListenerGenerations>> opened;

    std::lock_guard lock(mutex);
    if (auto existing = opened.value(path).lock())
        return existing;
    std::shared_ptr<ListenerGenerations> generations(new ListenerGenerations(path));
    if (!generations->remap(error))
        return {};
    opened.insert(path, generations);
    return generations;
}

std::shared_ptr<ListenerGenerations> ListenerGenerations::openCreatingDirectory(const QString &path, QString *error)
{
    return ensureRuntimeDirectory(path, error) ? open(path, error) : nullptr;
}

ListenerGenerations::~ListenerGenerations()
{
    for (quint64 *mapping : m_mappings)
        ::munmap(mapping, GenerationFileSize);
}

quint64 *ListenerGenerations::counter(Counter which) const
{
    return m_counters.load(std::memory_order_acquire) + int(which);
}

quint64 ListenerGenerations::load(Counter which) const
{
    return __atomic_load_n(counter(which), __ATOMIC_ACQUIRE);
}

void ListenerGenerations::bump(Counter which)
{
    __atomic_add_fetch(counter(which), 1, __ATOMIC_RELEASE);
}

bool ListenerGenerations::isIntact() const
{
    struct stat status;
    std::lock_guard lock(m_mappingMutex);
    return ::lstat(QFile::encodeName(m_filePath).constData(), &status) == 0 && status.st_dev == m_device
           && status.st_ino == m_inode;
}

bool ListenerGenerations::remap(QString *error)
{
    const int fd = ::open(QFile::encodeName(m_filePath).constData(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    struct stat status;
    if (fd < 0 || ::fstat(fd, &status) != 0) {
        *error = QStringLiteral("cannot open %1: %2").arg(m_filePath, systemErrorString(errno));
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    const auto fail = [&](const QString &why) {
        *error = why;
        ::close(fd);
        return false;
    };
    if (!S_ISREG(status.st_mode) || status.st_uid != ::getuid())
        return fail(QStringLiteral("%1 is not a regular file of this user").arg(m_filePath));
    // Growing a file that is already large enough is harmless, so racing creators agree.
    if (status.st_size < GenerationFileSize && ::ftruncate(fd, GenerationFileSize) != 0)
        return fail(QStringLiteral("cannot size %1: %2").arg(m_filePath, systemErrorString(errno)));
    void *mapping = ::mmap(nullptr, GenerationFileSize, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (mapping == MAP_FAILED)
        return fail(QStringLiteral("cannot map %1: %2").arg(m_filePath, systemErrorString(errno)));
    ::close(fd);
    std::lock_guard lock(m_mappingMutex);
    m_mappings.push_back(static_cast<quint64 *>(mapping));
    m_device = status.st_dev;
    m_inode = status.st_ino;
    m_counters.store(m_mappings.back(), std::memory_order_release);
    return true;
}

} // namespace XDMessagingPrivate
