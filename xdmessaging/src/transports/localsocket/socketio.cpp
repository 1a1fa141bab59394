// SPDX-License-Identifier: MIT
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QFile>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

bool makeAddress(const QString &path, sockaddr_un *address, QString *error)
{
    const QByteArray nativePath = QFile::encodeName(path);
    std::memset(address, 0, sizeof *address);
    address->sun_family = AF_UNIX;
    if (size_t(nativePath.size()) >= sizeof address->sun_path) {
        *error = QStringLiteral("socket path %1 is %2 bytes, longer than the system limit of %3; "
                                "choose a shorter runtime directory")
                         .arg(path)
                         .arg(nativePath.size())
                         .arg(sizeof address->sun_path - 1);
        return false;
    }
    std::memcpy(address->sun_path, nativePath.constData(), size_t(nativePath.size()));
    return true;
}

} // namespace

FileDescriptor &FileDescriptor::operator=(FileDescriptor &&other) noexcept
{
    reset(other.release());
    return *this;
}

int FileDescriptor::release()
{
    const int fd = m_fd;
    m_fd = -1;
    return fd;
}

void FileDescriptor::reset(int fd)
{
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = fd;
}

void attachDescriptor(msghdr *message, char *control, size_t controlSize, int fd)
{
    message->msg_control = control;
    message->msg_controllen = controlSize;
    cmsghdr *header = CMSG_FIRSTHDR(message);
    header->cmsg_level = SOL_SOCKET;
    header->cmsg_type = SCM_RIGHTS;
    header->cmsg_len = CMSG_LEN(sizeof fd);
    std::memcpy(CMSG_DATA(header), &fd, sizeof fd);
}

ssize_t receiveWithDescriptor(int fd, char *target, size_t size, FileDescriptor *passed, bool *refused)
{
    iovec vector {target, size};
    // Room for a few: a sender that passes more is refused, and they must not stay open.
    alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))];
    msghdr message {};
    message.msg_iov = &vector;
    message.msg_iovlen = 1;
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    const ssize_t received = ::recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
    if (received < 0)
        return received;
    *refused = (message.msg_flags & MSG_CTRUNC) != 0;
    for (cmsghdr *header = CMSG_FIRSTHDR(&message); header; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
            continue;
        const size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; ++i) {
            int descriptor;
            std::memcpy(&descriptor, CMSG_DATA(header) + i * sizeof(int), sizeof descriptor);
            if (passed->isValid() || *refused) {
                ::close(descriptor);
                *refused = true;
            } else {
                passed->reset(descriptor);
            }
        }
    }
    if (*refused)
        passed->reset();
    return received;
}

FileDescriptor listenUnix(const QString &path, QString *error)
{
    sockaddr_un address;
    if (!makeAddress(path, &address, error))
        return {};
    FileDescriptor socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!socket.isValid()) {
        *error = QStringLiteral("cannot create a socket: %1").arg(systemErrorString(errno));
        return {};
    }
    if (::bind(socket.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) != 0
        || ::listen(socket.get(), SOMAXCONN) != 0) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, systemErrorString(errno));
        return {};
    }
    return socket;
}

ConnectResult connectUnix(const QString &path, FileDescriptor *socket, QString *error)
{
    sockaddr_un address;
    if (!makeAddress(path, &address, error))
        return ConnectResult::Failed;
    FileDescriptor candidate(::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!candidate.isValid()) {
        *error = QStringLiteral("cannot create a socket: %1").arg(systemErrorString(errno));
        return ConnectResult::Failed;
    }
    if (::connect(candidate.get(), reinterpret_cast<sockaddr *>(&address), sizeof address) == 0) {
        *socket = std::move(candidate);
        return ConnectResult::Connected;
    }
    const int connectError = errno;
    *error = systemErrorString(connectError);
    switch (connectError) {
    case ECONNREFUSED:
    case ENOENT:
        return ConnectResult::Refused;
    case EAGAIN:
        return ConnectResult::Busy;
    default:
        return ConnectResult::Failed;
    }
}

qint64 peerUid(int fd)
{
    ucred credentials;
    socklen_t length = sizeof credentials;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) != 0)
        return -1;
    return credentials.uid;
}

bool writeFileAtomically(const QString &dir, const QString &name, const QByteArray &bytes, QString *error)
{
    const QString finalPath = dir + QLatin1Char('/') + name;
    // Of this writer alone: two processes may write the same file (a retained value) at once.
    static std::atomic<quint64> writes {0};
    const QString temporaryPath = finalPath + QStringLiteral(".tmp-%1-%2").arg(::getpid()).arg(writes.fetch_add(1) + 1);
    const QByteArray nativeTemporary = QFile::encodeName(temporaryPath);
    ::unlink(nativeTemporary.constData());
    FileDescriptor file(
            ::open(nativeTemporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!file.isValid()) {
        *error = QStringLiteral("cannot write %1: %2").arg(temporaryPath, systemErrorString(errno));
        return false;
    }
    qsizetype written = 0;
    while (written < bytes.size()) {
        const ssize_t n = ::write(file.get(), bytes.constData() + written, size_t(bytes.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            *error = QStringLiteral("cannot write %1: %2").arg(temporaryPath, systemErrorString(errno));
            ::unlink(nativeTemporary.constData());
            return false;
        }
        written += n;
    }
    file.reset();
    if (::rename(nativeTemporary.constData(), QFile::encodeName(finalPath).constData()) != 0) {
        *error = QStringLiteral("cannot rename %1 to %2: %3").arg(temporaryPath, finalPath, systemErrorString(errno));
        ::unlink(nativeTemporary.constData());
        return false;
    }
    return true;
}

bool readOwnRegularFile(const QString &path, qsizetype maxBytes, QByteArray *bytes, QString *error)
{
    FileDescriptor file(::open(QFile::encodeName(path).constData(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!file.isValid()) {
        *error = systemErrorString(errno);
        return false;
    }
    struct stat status;
    if (::fstat(file.get(), &status) != 0 || !S_ISREG(status.st_mode) || status.st_uid != ::getuid()) {
        *error = QStringLiteral("not a regular file of this user");
        return false;
    }
    if (status.st_size > maxBytes) {
        *error = QStringLiteral("larger than %1 bytes").arg(maxBytes);
        return false;
    }
    bytes->resize(qsizetype(status.st_size));
    qsizetype filled = 0;
    while (filled < bytes->size()) {
        const ssize_t n = ::read(file.get(), bytes->data() + filled, size_t(bytes->size() - filled));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        filled += n;
    }
    bytes->truncate(filled);
    return true;
}

} // namespace XDMessagingPrivate
