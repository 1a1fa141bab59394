// SPDX-License-Identifier: MIT
#include "oneshotrunner.h"

#include "benchenvironment.h"
#include "benchmessage.h"
#include "peerprocess.h"
#include "peers.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <algorithm>
#include <optional>
#include <cerrno>
#include <cstring>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

namespace {

constexpr int WarmUpAttempts = 20;
constexpr int WarmUpWaitMs = 500;
constexpr int DeliveryTimeoutMs = 10000;

struct Command
{
    QString program;
    QStringList arguments;
};

bool isDBus(const QString &system)
{
    return system == QLatin1String("qtdbus");
}

// The build tree's xdmsg, else the one installed beside this benchmark.
QString xdmsgProgram()
{
#ifdef XDMESSAGING_BENCH_XDMSG
    if (QFileInfo(QStringLiteral(XDMESSAGING_BENCH_XDMSG)).isExecutable())
        return QStringLiteral(XDMESSAGING_BENCH_XDMSG);
#endif
    const QString installed = QCoreApplication::applicationDirPath() + QStringLiteral("/xdmsg");
    return QFileInfo(installed).isExecutable() ? installed : QString();
}

Command listenerCommand(const QString &system, const QString &channel)
{
    if (isDBus(system))
        return {QStringLiteral("dbus-monitor"),
                {QStringLiteral("--session"),
                 QStringLiteral("type='signal',interface='org.xdmessaging.Bench',member='Message'")}};
    return {xdmsgProgram(),
            {QStringLiteral("listen"), QStringLiteral("--transport"), xdMessagingTransportName(system), channel}};
}

Command senderCommand(const QString &system, const QString &channel, const QString &text)
{
    if (isDBus(system))
        return {QStringLiteral("dbus-send"),
                {QStringLiteral("--session"), QStringLiteral("--type=signal"), QStringLiteral("/org/xdmessaging/Bench"),
                 QStringLiteral("org.xdmessaging.Bench.Message"), QStringLiteral("string:") + text}};
    return {xdmsgProgram(),
            {QStringLiteral("send"), QStringLiteral("--transport"), xdMessagingTransportName(system), channel, text}};
}

// How the listener prints a message with this text: dbus-monitor's argument line, or
// xdmsg listen's "CHANNEL<tab>TEXT".
QString receivedPrefix(const QString &system, const QString &channel, const QString &text)
{
    if (isDBus(system))
        return QStringLiteral("   string \"%1\"").arg(text);
    return channel + QLatin1Char('\t') + text;
}

struct TimedRun
{
    qint64 wallNs = 0;
    QString error; // empty: it ran and exited 0
};

std::vector<QByteArray> toLocal8Bit(const QStringList &strings)
{
    std::vector<QByteArray> bytes;
    for (const QString &string : strings)
        bytes.push_back(string.toLocal8Bit());
    return bytes;
}

std::vector<char *> pointersTo(std::vector<QByteArray> &strings)
{
    std::vector<char *> pointers;
    for (QByteArray &string : strings)
        pointers.push_back(string.data());
    pointers.push_back(nullptr);
    return pointers;
}

// Spawns and waits itself, not through QProcess: no event loop runs in between.
TimedRun runToEnd(const Command &command, const QProcessEnvironment &environment)
{
    std::vector<QByteArray> arguments = toLocal8Bit(QStringList {command.program} + command.arguments);
    std::vector<QByteArray> variables = toLocal8Bit(environment.toStringList());
    std::vector<char *> argv = pointersTo(arguments);
    std::vector<char *> envp = pointersTo(variables);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    TimedRun run;
    const qint64 startNs = monotonicNs();
    pid_t pid = 0;
    const int spawned = posix_spawnp(&pid, argv.front(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
        run.error =
                QStringLiteral("cannot start %1: %2").arg(command.program, QString::fromLocal8Bit(strerror(spawned)));
        return run;
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    run.wallNs = monotonicNs() - startNs;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        run.error = QStringLiteral("%1 failed (wait status %2)").arg(QFileInfo(command.program).fileName()).arg(status);
    return run;
}

// The peak resident memory of one run, by GNU time: a child's ru_maxrss counts what it
// shared with its parent until exec, and this parent is large. A process as small as
// time forks it instead. Empty without /usr/bin/time.
std::optional<double> peakRssMiB(const Command &command, const QProcessEnvironment &environment, const QString &scratch)
{
    const QString time = QStringLiteral("/usr/bin/time");
    if (!QFileInfo(time).isExecutable())
        return std::nullopt;
    const QString output = scratch + QStringLiteral("/peak-rss");
    const Command timed {time, QStringList {QStringLiteral("-f"), QStringLiteral("%M"), QStringLiteral("-o"), output,
                                            command.program}
                                       + command.arguments};
    if (!runToEnd(timed, environment).error.isEmpty())
        return std::nullopt;
    QFile file(output);
    bool ok = false;
    const double kib = file.open(QIODevice::ReadOnly) ? file.readAll().trimmed().toDouble(&ok) : 0;
    return ok ? std::optional<double>(kib / 1024) : std::nullopt;
}

double percentile(std::vector<qint64> values, size_t percent)
{
    std::sort(values.begin(), values.end());
    return double(values[std::min(values.size() - 1, values.size() * percent / 100)]);
}

} // namespace

CaseResult runOneShot(const Scenario &scenario, const QString &system, const BenchEnvironment &environment,
                      const QString &channel, qint64 count)
{
    CaseResult result {scenario.name, system, {}, {}, {}, {}, {}, 0, 0, 0, {}};
    if (!isDBus(system) && xdmsgProgram().isEmpty()) {
        result.note = QStringLiteral("xdmsg is not built (XDMESSAGING_BUILD_TOOLS)");
        return result;
    }
    QProcessEnvironment senderEnvironment = QProcessEnvironment::systemEnvironment();
    senderEnvironment.remove(QStringLiteral("XDMESSAGING_TRANSPORT"));
    senderEnvironment.insert(environment.peerEnvironment(system));
    const Command listen = listenerCommand(system, channel);
    PeerProcess listener(listen.program, environment.runtimeDir(), listen.arguments,
                         environment.peerEnvironment(system));
    // Neither listener says when it listens: it does once a first message came through.
    const QString warmUp = channel + QStringLiteral("-warm-up");
    bool listening = false;
    for (int i = 0; i < WarmUpAttempts && !listening; ++i) {
        runToEnd(senderCommand(system, channel, warmUp), senderEnvironment);
        listening = listener.waitForLineStartingWith(receivedPrefix(system, channel, warmUp), WarmUpWaitMs);
    }
    if (!listening) {
        result.note = QStringLiteral("the listener got no first message in %1 tries").arg(WarmUpAttempts);
        return result;
    }
    const QString text = channel + QStringLiteral("-oneshot");
    std::vector<qint64> wallNs;
    for (qint64 i = 0; i < count; ++i) {
        const TimedRun run = runToEnd(senderCommand(system, channel, text), senderEnvironment);
        if (!run.error.isEmpty()) {
            result.note = run.error;
            return result;
        }
        wallNs.push_back(run.wallNs);
    }
    const QString prefix = receivedPrefix(system, channel, text);
    listener.waitForLinesStartingWith(prefix, count, DeliveryTimeoutMs);
    const qint64 received = listener.linesStartingWith(prefix).size();
    result.lost = qMax<qint64>(0, count - received);
    result.duplicated = qMax<qint64>(0, received - count);
    result.p50Us = percentile(wallNs, 50) / 1e3;
    result.p99Us = percentile(wallNs, 99) / 1e3;
    const QString sender = isDBus(system) ? QStringLiteral("dbus-send") : QStringLiteral("xdmsg send");
    result.note = QStringLiteral("one %1 process per message, spawn to exit").arg(sender);
    const auto rss = peakRssMiB(senderCommand(system, channel, warmUp), senderEnvironment, environment.workDir());
    if (rss)
        result.note += QStringLiteral("; peak RSS %1 MiB").arg(*rss, 0, 'f', 0);
    return result;
}
