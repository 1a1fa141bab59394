// SPDX-License-Identifier: MIT
// The baseline: AF_UNIX SOCK_SEQPACKET written as plainly as it gets. One blocking
// send() per message and receiver, one recv() per message, poll() for several peers.
// A send to a receiver that stopped reading gives up after 1 s (SO_SNDTIMEO, the same
// bound as XDBroadcaster's default) and drops that receiver, so a stalled run ends.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <QtCore/QFile>

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr int SendTimeoutMs = 1000;

bool fillAddress(const QString &path, sockaddr_un *address)
{
    const QByteArray bytes = QFile::encodeName(path);
    if (size_t(bytes.size()) >= sizeof(address->sun_path))
        return false;
    std::memset(address, 0, sizeof(*address));
    address->sun_family = AF_UNIX;
    std::memcpy(address->sun_path, bytes.constData(), size_t(bytes.size()));
    return true;
}

// Big messages need a send buffer that holds one; the kernel caps it at wmem_max.
void allowMessagesOf(int fd, int size)
{
    const int buffer = 2 * size + 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
}

int listenOn(const QString &path, int size)
{
    sockaddr_un address;
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || !fillAddress(path, &address))
        return -1;
    allowMessagesOf(fd, size);
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0 || ::listen(fd, 64) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

int connectTo(const QString &path, int size)
{
    sockaddr_un address;
    const int fd = ::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0 || !fillAddress(path, &address))
        return -1;
    allowMessagesOf(fd, size);
    const timeval timeout {SendTimeoutMs / 1000, (SendTimeoutMs % 1000) * 1000};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// Reads one message from a connection into buffer; false when the peer hung up.
bool receiveOne(int fd, QByteArray &buffer, ReceiveTally &tally, bool echo)
{
    const ssize_t got = ::recv(fd, buffer.data(), size_t(buffer.size()), 0);
    if (got <= 0)
        return got < 0 && errno == EINTR;
    tally.record(buffer.constData(), got);
    if (echo)
        ::send(fd, buffer.constData(), size_t(got), MSG_NOSIGNAL);
    return true;
}

} // namespace

int rawSeqpacketReceive(const PeerConfig &config)
{
    const QString path = config.workDir + QLatin1Char('/') + config.endpoint + QLatin1String(".seqpacket");
    const int listenFd = listenOn(path, config.size);
    if (listenFd < 0)
        return reportUnsupported(
                QStringLiteral("cannot listen on %1: %2").arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    reportLine("ADDRESS " + path.toUtf8());
    reportLine("READY");

    ReceiveTally tally(config.senders, config.messagesPerSender());
    ReceiveClock clock(config);
    QByteArray buffer(config.size + 1, Qt::Uninitialized);
    std::vector<pollfd> fds {{listenFd, POLLIN, 0}};
    int remaining;
    while (!tally.complete() && (remaining = clock.remainingMs()) > 0) {
        if (::poll(fds.data(), nfds_t(fds.size()), remaining) <= 0)
            continue;
        if (fds[0].revents & POLLIN) {
            const int connection = ::accept4(listenFd, nullptr, nullptr, SOCK_CLOEXEC);
            if (connection >= 0)
                fds.push_back({connection, POLLIN, 0});
        }
        for (size_t i = 1; i < fds.size(); ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (receiveOne(fds[i].fd, buffer, tally, config.pingPong)) {
                clock.messageArrived();
            } else {
                ::close(fds[i].fd);
                fds.erase(fds.begin() + qsizetype(i--));
            }
        }
    }
    reportLine(tally.resultLine());
    ::unlink(QFile::encodeName(path).constData());
    return 0;
}

namespace {

int pingPong(int fd, const PeerConfig &config, SendTally &tally)
{
    QByteArray echo(config.size + 1, Qt::Uninitialized);
    return runPingPong(config, tally, [&](const QByteArray &message, QString *error) {
        const bool ok = ::send(fd, message.constData(), size_t(message.size()), MSG_NOSIGNAL) == message.size()
                        && ::recv(fd, echo.data(), size_t(echo.size()), 0) > 0;
        if (!ok)
            *error = QString::fromLocal8Bit(std::strerror(errno));
        return ok;
    });
}

} // namespace

int rawSeqpacketSend(const PeerConfig &config)
{
    std::vector<int> fds;
    for (const QString &target : config.targets) {
        const int fd = connectTo(target, config.size);
        if (fd < 0)
            return reportUnsupported(QStringLiteral("cannot connect to %1").arg(target));
        fds.push_back(fd);
    }
    SendTally tally;
    tally.begin();
    if (config.pingPong)
        return pingPong(fds.front(), config, tally);
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        for (int &fd : fds) {
            if (fd < 0) {
                tally.sendFailed();
                continue;
            }
            if (::send(fd, message.constData(), size_t(message.size()), MSG_NOSIGNAL) == message.size())
                continue;
            if (errno == EMSGSIZE)
                return reportUnsupported(QStringLiteral("a %1-byte message exceeds SOCK_SEQPACKET's limit "
                                                        "(net.core.wmem_max)")
                                                 .arg(message.size()));
            tally.sendFailed(); // timed out on a receiver that is not reading: drop it
            ::close(fd);
            fd = -1;
        }
        tally.sendTook(monotonicNs() - before);
        tally.sent();
    }
    tally.finish();
    for (int fd : fds)
        if (fd >= 0)
            ::close(fd);
    return 0;
}
