// SPDX-License-Identifier: MIT
#include "xvfbserver.h"

#include "childlifetime.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

XvfbServer::~XvfbServer()
{
    stop();
}

bool XvfbServer::isAvailable()
{
    return !QStandardPaths::findExecutable(QStringLiteral("Xvfb")).isEmpty();
}

bool XvfbServer::start(int timeoutMs)
{
    int displayPipe[2];
    if (::pipe2(displayPipe, O_CLOEXEC) != 0) {
        m_error = QStringLiteral("cannot create a pipe for -displayfd");
        return false;
    }
    // The write end must survive exec in the child: dup it to a fixed, non-CLOEXEC fd there.
    const int writeFd = displayPipe[1];
    endWithThisProcess(m_process, [writeFd] {
        if (writeFd == 3)
            ::fcntl(3, F_SETFD, 0);
        else
            ::dup2(writeFd, 3);
    });
    // Xvfb's output goes to a file of ours, never to the test's output: ctest waits for
    // every holder of its pipe to close it.
    m_process.setStandardOutputFile(QProcess::nullDevice());
    if (m_logDirectory.isValid())
        m_process.setStandardErrorFile(m_logDirectory.filePath(QStringLiteral("xvfb.log")));
    else
        m_process.setStandardErrorFile(QProcess::nullDevice());
    m_process.start(QStringLiteral("Xvfb"),
                    {QStringLiteral("-displayfd"), QStringLiteral("3"), QStringLiteral("-screen"), QStringLiteral("0"),
                     QStringLiteral("1280x800x24"), QStringLiteral("-nolisten"), QStringLiteral("tcp"),
                     QStringLiteral("-noreset")});
    ::close(writeFd);
    if (!m_process.waitForStarted(timeoutMs)) {
        ::close(displayPipe[0]);
        m_error = QStringLiteral("cannot start Xvfb: %1").arg(m_process.errorString());
        return false;
    }
    QByteArray number;
    const QDeadlineTimer deadline(timeoutMs);
    while (!number.endsWith('\n') && !deadline.hasExpired()) {
        pollfd readable = {displayPipe[0], POLLIN, 0};
        if (::poll(&readable, 1, int(qMax<qint64>(1, deadline.remainingTime()))) <= 0)
            continue;
        char chunk[16];
        const ssize_t n = ::read(displayPipe[0], chunk, sizeof chunk);
        if (n <= 0)
            break;
        number.append(chunk, n);
    }
    ::close(displayPipe[0]);
    if (!number.endsWith('\n')) {
        m_error = QStringLiteral("Xvfb did not report a display number in time: ") + logTail();
        stop();
        return false;
    }
    m_display = QLatin1Char(':') + QString::fromLatin1(number.trimmed());
    return true;
}

QString XvfbServer::logTail() const
{
    QFile log(m_logDirectory.filePath(QStringLiteral("xvfb.log")));
    if (!log.open(QIODevice::ReadOnly))
        return QStringLiteral("(no log)");
    return QString::fromLocal8Bit(log.readAll().right(500)).trimmed();
}

void XvfbServer::stop()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    m_process.terminate(); // SIGTERM to this PID only
    if (!m_process.waitForFinished(5000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}
