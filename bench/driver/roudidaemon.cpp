// SPDX-License-Identifier: MIT
#include "roudidaemon.h"

#include "childlifetime.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QFile>
#include <QtCore/QRegularExpression>
#include <QtCore/QStandardPaths>

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace {

// Held by a running RouDi (iceoryx 2.0: IOX_LOCK_FILE_PATH_PREFIX + ROUDI_LOCK_NAME).
constexpr char RouDiLockFile[] = "/tmp/iox-unique-roudi.lock";
constexpr char ReadyLine[] = "RouDi is ready for clients";

// A chunk holds iceoryx's chunk header (32 bytes) and the payload, so each class is a
// power of two plus 64. The counts cover one subscriber queue of the class (at most 256
// chunks and 16 MiB: iceoryxreceiver.cpp), publishers' loans and history, and the
// greetings. RouDi reserves all of it, about 100 MiB, when it starts.
constexpr char RouDiConfig[] = R"([general]
version = 1

[[segment]]

[[segment.mempool]]
size = 128
count = 4096

[[segment.mempool]]
size = 1088
count = 512

[[segment.mempool]]
size = 4160
count = 320

[[segment.mempool]]
size = 16448
count = 320

[[segment.mempool]]
size = 65600
count = 320

[[segment.mempool]]
size = 262208
count = 96

[[segment.mempool]]
size = 1048640
count = 40
)";

// A RouDi holds its lock for as long as it runs; one whose lock file we cannot even
// open belongs to someone else.
bool anotherRouDiIsRunning()
{
    const int fd = ::open(RouDiLockFile, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno != ENOENT;
    const bool locked = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // and with it our shared lock, if we got it
    return locked;
}

} // namespace

RouDiDaemon::~RouDiDaemon()
{
    if (m_process.state() == QProcess::NotRunning)
        return;
    // SIGTERM to our PID: RouDi removes its shared memory and socket on the way out. It
    // also sends SIGTERM to every process still registered with it: by then only peers the
    // driver had to kill, long gone (unless their PID was given to another process since).
    m_process.terminate();
    if (!m_process.waitForFinished(10000)) {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
}

bool RouDiDaemon::start(const QString &directory, int timeoutMs)
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("iox-roudi"));
    if (program.isEmpty()) {
        m_error = QStringLiteral("iox-roudi is not installed (package iceoryx)");
        return false;
    }
    if (anotherRouDiIsRunning()) {
        m_error = QStringLiteral("an iox-roudi this benchmark did not start is running (it holds %1); iceoryx 2.0 "
                                 "has one per machine, and the benchmark measures only with its own")
                          .arg(QLatin1String(RouDiLockFile));
        return false;
    }
    const QString configPath = directory + QLatin1String("/roudi.toml");
    if (!writeConfig(configPath))
        return false;
    m_logPath = directory + QLatin1String("/roudi.log");
    m_process.setProcessChannelMode(QProcess::MergedChannels);
    m_process.setStandardOutputFile(m_logPath); // never a full pipe nobody reads
    endWithThisProcess(m_process);
    // Without monitoring: RouDi would declare stalled-1of8's SIGSTOPped receiver dead after
    // 1.5 s without keep-alives and tear its queue down under it (it then hangs when resumed).
    // The price: a peer the driver has to kill stays registered until RouDi ends.
    m_process.start(program, {QStringLiteral("--config-file"), configPath, QStringLiteral("--monitoring-mode"),
                              QStringLiteral("off")});
    return waitUntilReady(timeoutMs);
}

bool RouDiDaemon::writeConfig(const QString &path)
{
    QFile config(path);
    if (!config.open(QIODevice::WriteOnly) || config.write(RouDiConfig) < 0) {
        m_error = QStringLiteral("cannot write %1: %2").arg(path, config.errorString());
        return false;
    }
    return true;
}

bool RouDiDaemon::waitUntilReady(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (log().contains(QLatin1String(ReadyLine)))
            return true;
        if (m_process.state() == QProcess::NotRunning || m_process.waitForFinished(20)) {
            m_error = QStringLiteral("iox-roudi did not start (%1): %2").arg(howItEnded(), log().right(400).trimmed());
            return false;
        }
    }
    m_error = QStringLiteral("iox-roudi was not ready within %1 s: %2")
                      .arg(timeoutMs / 1000)
                      .arg(log().right(400).trimmed());
    m_process.kill();
    m_process.waitForFinished(5000);
    return false;
}

QString RouDiDaemon::howItEnded() const
{
    if (m_process.error() == QProcess::FailedToStart)
        return m_process.errorString();
    if (m_process.exitStatus() == QProcess::CrashExit)
        return QStringLiteral("it crashed");
    return QStringLiteral("exit code %1").arg(m_process.exitCode());
}

// Without the terminal colours RouDi writes even into a file.
QString RouDiDaemon::log() const
{
    static const QRegularExpression colours(QStringLiteral("\\x1b\\[[0-9;]*m"));
    QFile file(m_logPath);
    return file.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(file.readAll()).remove(colours) : QString();
}
