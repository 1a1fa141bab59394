// SPDX-License-Identifier: MIT
#include "redisserver.h"

#include "childlifetime.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QThread>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

// A port the kernel considers free right now. Another process may take it before
// redis binds it; start() then tries another.
quint16 freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    quint16 port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

} // namespace

RedisServer::RedisServer(const QString &password) : m_password(password)
{
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    endWithThisProcess(m_process);
}

RedisServer::~RedisServer()
{
    kill();
}

bool RedisServer::start()
{
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (startOnPort(freeLoopbackPort()))
            return true;
    }
    return false;
}

bool RedisServer::restart()
{
    // The port was just released by our own server; retry briefly in case the kernel
    // still holds it.
    for (int attempt = 0; attempt < 20; ++attempt) {
        if (startOnPort(m_port))
            return true;
        QThread::msleep(100);
    }
    return false;
}

bool RedisServer::startOnPort(quint16 port)
{
    if (!m_directory.isValid() || port == 0) {
        m_error = QStringLiteral("no temporary directory or no free port");
        return false;
    }
    m_port = port;
    QStringList arguments {QStringLiteral("--port"),       QString::number(port),
                           QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                           QStringLiteral("--save"),       QString(),
                           QStringLiteral("--appendonly"), QStringLiteral("no"),
                           QStringLiteral("--dir"),        m_directory.path()};
    if (!m_password.isEmpty())
        arguments << QStringLiteral("--requirepass") << m_password;
    m_process.start(QStringLiteral("redis-server"), arguments);
    QByteArray output;
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && m_process.state() != QProcess::NotRunning) {
        m_process.waitForReadyRead(100);
        output += m_process.readAll();
        if (output.contains("Ready to accept connections"))
            return true;
    }
    m_error = QString::fromLocal8Bit(output.right(500));
    kill();
    return false;
}

void RedisServer::kill()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.kill(); // SIGKILL to the PID we started
    m_process.waitForFinished(5000);
}

QString RedisServer::url(const QString &password) const
{
    const QString credentials = password.isEmpty() ? QString() : QStringLiteral(":%1@").arg(password);
    return QStringLiteral("redis://") + credentials + QStringLiteral("127.0.0.1:") + QString::number(m_port);
}

QByteArray RedisServer::cli(const QStringList &arguments, const QByteArray &stdinData)
{
    QProcess client;
    endWithThisProcess(client);
    QStringList all {QStringLiteral("-h"), QStringLiteral("127.0.0.1"), QStringLiteral("-p"), QString::number(m_port)};
    if (!m_password.isEmpty())
        all << QStringLiteral("--no-auth-warning") << QStringLiteral("-a") << m_password;
    if (!stdinData.isNull())
        all << QStringLiteral("-x");
    client.start(QStringLiteral("redis-cli"), all + arguments);
    client.waitForStarted();
    client.write(stdinData);
    client.closeWriteChannel();
    client.waitForFinished(10000);
    return client.readAllStandardOutput() + client.readAllStandardError();
}
