// SPDX-License-Identifier: MIT
#include "transports/localsocket/sharedpayloadring_p.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr unsigned int RequiredSeals = F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL;

} // namespace

std::unique_ptr<SharedPayloadRing> SharedPayloadRing::create(qint64 size, QString *error)
{
    FileDescriptor fd(::memfd_create("xdmessaging-payloads", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!fd.isValid() || ::ftruncate(fd.get(), off_t(size)) != 0
        || ::fcntl(fd.get(), F_ADD_SEALS, RequiredSeals) != 0) {
        *error = QStringLiteral("cannot create shared memory for large messages: %1").arg(systemErrorString(errno));
        return {};
    }
    void *memory = ::mmap(nullptr, size_t(size), PROT_READ | PROT_WRITE, MAP_SHARED, fd.get(), 0);
    if (memory == MAP_FAILED) {
        *error = QStringLiteral("cannot map shared memory for large messages: %1").arg(systemErrorString(errno));
        return {};
    }
    return std::unique_ptr<SharedPayloadRing>(new SharedPayloadRing(std::move(fd), static_cast<char *>(memory), size));
}

SharedPayloadRing::SharedPayloadRing(FileDescriptor fd, char *memory, qint64 size)
    : m_fd(std::move(fd)), m_memory(memory), m_size(size)
{}

SharedPayloadRing::~SharedPayloadRing()
{
    ::munmap(m_memory, size_t(m_size));
}

qint64 SharedPayloadRing::placeFor(qint64 size) const
{
    if (size > m_size)
        return -1;
    if (m_regions.empty())
        return 0;
    const qint64 head = m_regions.back().end; // where the newest region ends
    const qint64 tail = m_regions.front().begin; // where the oldest begins
    if (head > tail) { // in use: [tail, head); free: after head, and before tail
        if (m_size - head >= size)
            return head;
        return tail >= size ? 0 : -1;
    }
    return tail - head >= size ? head : -1; // in use: [tail, end) and [0, head)
}

qint64 SharedPayloadRing::reserve(qint64 size, quint64 frameNumber)
{
    const qint64 at = placeFor(size);
    if (at >= 0)
        m_regions.push_back({frameNumber, at, at + size});
    return at;
}

void SharedPayloadRing::release(quint64 framesTaken)
{
    while (!m_regions.empty() && m_regions.front().frameNumber <= framesTaken)
        m_regions.pop_front();
}

std::unique_ptr<SharedPayloadMapping> SharedPayloadMapping::adopt(FileDescriptor fd, QString *error)
{
    struct stat status;
    if (::fstat(fd.get(), &status) != 0 || !S_ISREG(status.st_mode)) {
        *error = QStringLiteral("the sender passed a descriptor that is not shared memory");
        return {};
    }
    const int seals = ::fcntl(fd.get(), F_GET_SEALS);
    if (seals < 0 || (unsigned(seals) & F_SEAL_SHRINK) == 0) {
        *error = QStringLiteral("the sender passed shared memory that it could still shrink");
        return {};
    }
    if (status.st_size <= 0 || status.st_size > MaximumSharedPayloadRingSize) {
        *error = QStringLiteral("the sender passed shared memory of %1 bytes").arg(qint64(status.st_size));
        return {};
    }
    void *memory = ::mmap(nullptr, size_t(status.st_size), PROT_READ, MAP_SHARED, fd.get(), 0);
    if (memory == MAP_FAILED) {
        *error = QStringLiteral("cannot map the sender's shared memory: %1").arg(systemErrorString(errno));
        return {};
    }
    // The mapping keeps the memory; the descriptor is not needed any more.
    return std::unique_ptr<SharedPayloadMapping>(
            new SharedPayloadMapping(static_cast<const char *>(memory), qint64(status.st_size)));
}

SharedPayloadMapping::~SharedPayloadMapping()
{
    ::munmap(const_cast<char *>(m_memory), size_t(m_size));
}

bool SharedPayloadMapping::copyOut(quint64 offset, quint32 size, QByteArray *payload) const
{
    if (offset > quint64(m_size) || size > quint64(m_size) - offset)
        return false;
    *payload = QByteArray(m_memory + offset, qsizetype(size));
    return true;
}

} // namespace XDMessagingPrivate
