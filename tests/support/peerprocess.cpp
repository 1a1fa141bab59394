// SPDX-License-Identifier: MIT
#include "peerprocess.h"

#include "childlifetime.h"

#include <QtCore/QDeadlineTimer>

#include <algorithm>
#include <csignal>

PeerProcess::PeerProcess(const QString &program, const QString &runtimeDir, const QStringList &arguments,
                         const QProcessEnvironment &extraEnvironment)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("XDMESSAGING_RUNTIME_DIR"), runtimeDir);
    environment.remove(QStringLiteral("XDMESSAGING_TRANSPORT"));
    environment.insert(extraEnvironment);
    m_process.setProcessEnvironment(environment);
    // Its error output goes to the test's, so sanitizer reports show in ctest's log; the
    // peer dies with the test, so that pipe is never held open by an orphan.
    m_process.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    endWithThisProcess(m_process);
    // Read as it comes whenever the test's event loop runs, so that a chatty peer never
    // blocks on a full pipe while the test waits for another.
    QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] { readLines(); });
    m_process.start(program, arguments);
}

PeerProcess::~PeerProcess()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    ::kill(pid_t(m_process.processId()), SIGCONT); // in case a test left it stopped
    m_process.kill();
    m_process.waitForFinished(5000);
}

void PeerProcess::readLines()
{
    m_pending += m_process.readAllStandardOutput();
    qsizetype start = 0;
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n', start)) >= 0) {
        m_lines.append(QString::fromUtf8(m_pending.sliced(start, newline - start)));
        start = newline + 1;
    }
    m_pending.remove(0, start);
}

bool PeerProcess::waitUntil(const std::function<bool()> &done, int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        readLines();
        if (done())
            return true;
        if (m_process.state() == QProcess::NotRunning) {
            readLines(); // what it wrote just before it ended
            return done();
        }
        m_process.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime())));
    }
    return false;
}

bool PeerProcess::waitForLine(const std::function<bool(const QString &)> &matches, int timeoutMs)
{
    return waitUntil([&] { return std::any_of(m_lines.cbegin(), m_lines.cend(), matches); }, timeoutMs);
}

bool PeerProcess::waitForReady(int timeoutMs)
{
    return waitForLine([](const QString &line) { return line == QLatin1String("READY"); }, timeoutMs);
}

bool PeerProcess::waitForLineStartingWith(const QString &prefix, int timeoutMs)
{
    return waitForLine([&prefix](const QString &line) { return line.startsWith(prefix); }, timeoutMs);
}

bool PeerProcess::waitForLinesStartingWith(const QString &prefix, qsizetype count, int timeoutMs)
{
    return waitUntil(
            [&] {
                return std::count_if(m_lines.cbegin(), m_lines.cend(),
                                     [&prefix](const QString &line) { return line.startsWith(prefix); })
                       >= count;
            },
            timeoutMs);
}

void PeerProcess::writeLine(const QByteArray &line)
{
    m_process.write(line + '\n');
    m_process.waitForBytesWritten(1000);
}

bool PeerProcess::waitForFinished(int timeoutMs)
{
    // QProcess::waitForFinished() is false for a process that already finished.
    const bool finished = m_process.state() == QProcess::NotRunning || m_process.waitForFinished(timeoutMs);
    readLines();
    return finished;
}

QStringList PeerProcess::messages()
{
    return linesStartingWith(QStringLiteral("MSG "));
}

QStringList PeerProcess::linesStartingWith(const QString &prefix)
{
    readLines();
    QStringList result;
    for (const QString &line : std::as_const(m_lines)) {
        if (line.startsWith(prefix))
            result.append(line);
    }
    return result;
}

QString PeerProcess::lastLine()
{
    readLines();
    return m_lines.isEmpty() ? QString() : m_lines.last();
}

QString PeerProcess::lineStartingWith(const QString &prefix)
{
    readLines();
    for (const QString &line : std::as_const(m_lines)) {
        if (line.startsWith(prefix))
            return line;
    }
    return {};
}

QString PeerProcess::lineContaining(const QString &text)
{
    readLines();
    for (const QString &line : std::as_const(m_lines)) {
        if (line.contains(text))
            return line;
    }
    return {};
}
