// SPDX-License-Identifier: MIT
#pragma once

// Small POSIX helpers for the local-socket transport: Unix-domain sockets and
// files in the runtime directory, never following symbolic links.

#include "core/systemerror_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <sys/types.h>

struct msghdr;

namespace XDMessagingPrivate {

// Closes a file descriptor on destruction.
class FileDescriptor
{
public:
    FileDescriptor() = default;
    explicit FileDescriptor(int fd) : m_fd(fd) {}
    FileDescriptor(FileDescriptor &&other) noexcept : m_fd(other.release()) {}
    FileDescriptor &operator=(FileDescriptor &&other) noexcept;
    FileDescriptor(const FileDescriptor &) = delete;
    FileDescriptor &operator=(const FileDescriptor &) = delete;
    ~FileDescriptor() { reset(); }

    int get() const { return m_fd; }
    bool isValid() const { return m_fd >= 0; }
    int release();
    void reset(int fd = -1);

private:
    int m_fd = -1;
};

// A listening, non-blocking Unix stream socket bound at path; sets *error on failure.
FileDescriptor listenUnix(const QString &path, QString *error);

enum class ConnectResult { Connected, Refused, Busy, Failed };
// Connects a non-blocking socket to path. Refused: nobody listens there (a stale
// endpoint). Busy: the listener's backlog is full (alive but not accepting).
ConnectResult connectUnix(const QString &path, FileDescriptor *socket, QString *error);

// Passes fd (SCM_RIGHTS) with message's bytes, through control: at least
// CMSG_SPACE(sizeof(int)) bytes, aligned for cmsghdr, that live until sendmsg().
void attachDescriptor(msghdr *message, char *control, size_t controlSize, int fd);

// Reads like read() from a connected Unix socket, and takes a descriptor the sender passed
// with the bytes (SCM_RIGHTS) into *passed. More than one descriptor at a time, or more
// than fit, is refused: they are closed and *refused is set.
ssize_t receiveWithDescriptor(int fd, char *target, size_t size, FileDescriptor *passed, bool *refused);

// The uid of the process at the other end of a connected Unix socket, or -1.
qint64 peerUid(int fd);

// Writes bytes to dir/name through a temporary file and an atomic rename.
bool writeFileAtomically(const QString &dir, const QString &name, const QByteArray &bytes, QString *error);

// Reads at most maxBytes of a regular file owned by this user; refuses symbolic links.
bool readOwnRegularFile(const QString &path, qsizetype maxBytes, QByteArray *bytes, QString *error);

} // namespace XDMessagingPrivate
