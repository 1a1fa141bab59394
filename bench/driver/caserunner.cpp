// SPDX-License-Identifier: MIT
#include "caserunner.h"

#include "benchenvironment.h"
#include "oneshotrunner.h"
#include "peerconfig.h"
#include "peerprocess.h"

#include <QtCore/QHash>

#include <csignal>
#include <memory>
#include <vector>

namespace {

constexpr int ReadyTimeoutMs = 20000;
constexpr int FinishTimeoutMs = 120000;
// Receivers give up this long after their last message; more than the 1 s a sender
// may be held by a stopped receiver. --quick waits less: a run with losses ends sooner.
constexpr int IdleMs = 2000;
constexpr int QuickIdleMs = 1200;

// "RESULT a=1 b=2" -> {a: 1, b: 2}
QHash<QString, qint64> fields(const QString &line)
{
    QHash<QString, qint64> result;
    for (const QString &field : line.split(QLatin1Char(' '), Qt::SkipEmptyParts).mid(1)) {
        const qsizetype equals = field.indexOf(QLatin1Char('='));
        if (equals > 0)
            result.insert(field.left(equals), field.mid(equals + 1).toLongLong());
    }
    return result;
}

// Why a peer did not do its part, or empty when it did.
QString peerProblem(PeerProcess &peer, const QString &role)
{
    const QString unsupported = peer.lineStartingWith(QStringLiteral("UNSUPPORTED "));
    if (!unsupported.isEmpty())
        return unsupported.mid(12);
    if (peer.lineStartingWith(QStringLiteral("RESULT ")).isEmpty())
        return QStringLiteral("a %1 did not report (exit code %2)").arg(role).arg(peer.process().exitCode());
    return {};
}

// Messages per second one receiver got: from the first message sent to the last received.
std::optional<double> receiveRate(const QHash<QString, qint64> &result)
{
    const double seconds =
            double(result.value(QStringLiteral("last_received_ns")) - result.value(QStringLiteral("first_sent_ns")))
            / 1e9;
    const qint64 received = result.value(QStringLiteral("received"));
    if (received < 2 || seconds <= 0)
        return std::nullopt;
    return double(received) / seconds;
}

} // namespace

CaseRunner::CaseRunner(const QString &program, const BenchEnvironment &environment, bool quick)
    : m_program(program), m_environment(environment), m_quick(quick)
{}

QString CaseRunner::nextChannel()
{
    return QStringLiteral("bench%1").arg(++m_runs);
}

PeerConfig CaseRunner::baseConfig(const QString &system)
{
    PeerConfig config;
    config.system = system;
    config.channel = nextChannel();
    config.workDir = m_environment.workDir();
    config.idleMs = m_quick ? QuickIdleMs : IdleMs;
    return config;
}

PeerConfig CaseRunner::configFor(const Scenario &scenario, const QString &system)
{
    PeerConfig config = baseConfig(system);
    config.count = countFor(scenario);
    config.senders = scenario.senders;
    config.size = scenario.size;
    config.pingPong = scenario.isPingPong();
    config.request = scenario.kind == ScenarioKind::Request;
    config.channels = scenario.channels;
    return config;
}

std::unique_ptr<PeerProcess> CaseRunner::startPeer(const PeerConfig &config) const
{
    return std::make_unique<PeerProcess>(m_program, m_environment.runtimeDir(), peerArguments(config),
                                         m_environment.peerEnvironment(config.system));
}

bool CaseRunner::startReceivers(const Scenario &scenario, PeerConfig config, Peers &receivers, QStringList *addresses,
                                QString *problem) const
{
    config.role = QStringLiteral("receive");
    for (int i = 0; i < scenario.receivers; ++i) {
        config.endpoint = config.channel + QLatin1Char('r') + QString::number(i);
        PeerProcess &peer = *receivers.emplace_back(startPeer(config));
        if (!peer.waitForReady(ReadyTimeoutMs)) {
            peer.waitForFinished(1000);
            *problem = peerProblem(peer, QStringLiteral("receiver"));
            return false;
        }
        const QString address = peer.lineStartingWith(QStringLiteral("ADDRESS "));
        if (!address.isEmpty())
            addresses->append(address.mid(8));
    }
    return true;
}

bool CaseRunner::startSenders(const Scenario &scenario, PeerConfig config, const QStringList &addresses, Peers &senders,
                              QString *problem) const
{
    config.role = QStringLiteral("send");
    config.targets = addresses;
    for (int i = 0; i < scenario.senders; ++i) {
        config.senderId = i;
        senders.push_back(startPeer(config));
    }
    for (auto &sender : senders) {
        if (!sender->waitForLineStartingWith(QStringLiteral("CONNECTED"), ReadyTimeoutMs)) {
            sender->waitForFinished(1000);
            *problem = peerProblem(*sender, QStringLiteral("sender"));
            return false;
        }
    }
    return true;
}

bool CaseRunner::collectSenders(Peers &senders, bool pingPong, CaseResult &result) const
{
    qint64 failedDeliveries = 0;
    for (auto &sender : senders) {
        sender->waitForLineStartingWith(QStringLiteral("RESULT "), FinishTimeoutMs);
        if (const QString problem = peerProblem(*sender, QStringLiteral("sender")); !problem.isEmpty()) {
            result.note = problem;
            return false;
        }
        const auto sent = fields(sender->lineStartingWith(QStringLiteral("RESULT ")));
        result.maxSendMs = qMax(result.maxSendMs.value_or(0), double(sent.value(QStringLiteral("max_hold_ns"))) / 1e6);
        failedDeliveries += sent.value(QStringLiteral("failed"));
        if (pingPong) {
            result.p50Us = double(sent.value(QStringLiteral("p50_ns"))) / 1e3;
            result.p99Us = double(sent.value(QStringLiteral("p99_ns"))) / 1e3;
        }
    }
    if (failedDeliveries > 0)
        result.note = QStringLiteral("sender reported %1 failed deliveries").arg(failedDeliveries);
    return true;
}

bool CaseRunner::collectReceivers(Peers &receivers, size_t first, const Scenario &scenario, CaseResult &result) const
{
    double rateSum = 0;
    int rates = 0;
    for (size_t i = first; i < receivers.size(); ++i) {
        receivers[i]->waitForFinished(FinishTimeoutMs);
        if (const QString problem = peerProblem(*receivers[i], QStringLiteral("receiver")); !problem.isEmpty()) {
            result.note = problem;
            return false;
        }
        const auto got = fields(receivers[i]->lineStartingWith(QStringLiteral("RESULT ")));
        result.lost += got.value(QStringLiteral("lost"));
        result.reportedLost += got.value(QStringLiteral("reported_lost"));
        result.duplicated += got.value(QStringLiteral("duplicated"));
        if (const auto rate = receiveRate(got)) {
            rateSum += *rate;
            ++rates;
        }
    }
    if (!scenario.isPingPong() && rates > 0) {
        result.msgsPerS = rateSum / rates;
        result.mibPerS = *result.msgsPerS * scenario.size / (1024.0 * 1024.0);
    }
    return true;
}

QString CaseRunner::resumeStopped(PeerProcess &stopped, Peers &senders, const PeerConfig &config) const
{
    // It reads what reached it, then waits out its idle time.
    const int graceMs = config.idleMs + 2000;
    ::kill(pid_t(stopped.pid()), SIGCONT);
    for (auto &sender : senders)
        sender->writeLine("EXIT"); // a sender may still hold what it queued for the stopped one
    if (!stopped.waitForFinished(graceMs))
        return QStringLiteral("the stopped receiver was still waiting %1 s after SIGCONT").arg(graceMs / 1000.0);
    const auto got = fields(stopped.lineStartingWith(QStringLiteral("RESULT ")));
    return QStringLiteral("the stopped receiver got %1 of %2 after SIGCONT")
            .arg(got.value(QStringLiteral("received")))
            .arg(config.count);
}

CaseResult CaseRunner::run(const Scenario &scenario, const QString &system)
{
    if (scenario.kind == ScenarioKind::OneShot)
        return runOneShot(scenario, system, m_environment, nextChannel(), countFor(scenario));
    CaseResult result {scenario.name, system, {}, {}, {}, {}, {}, 0, 0, 0, {}};
    const PeerConfig config = configFor(scenario, system);
    Peers receivers;
    Peers senders;
    QStringList addresses;
    if (!startReceivers(scenario, config, receivers, &addresses, &result.note)
        || !startSenders(scenario, config, addresses, senders, &result.note))
        return result;
    const bool stalled = scenario.kind == ScenarioKind::Stalled;
    if (stalled)
        ::kill(pid_t(receivers.front()->pid()), SIGSTOP);
    for (auto &sender : senders)
        sender->writeLine("GO");
    if (!collectSenders(senders, config.pingPong, result)
        || !collectReceivers(receivers, stalled ? 1 : 0, scenario, result))
        return result;
    if (stalled) {
        const QString note = resumeStopped(*receivers.front(), senders, config);
        result.note = result.note.isEmpty() ? note : result.note + QLatin1String("; ") + note;
    }
    for (auto &sender : senders) {
        sender->writeLine("EXIT");
        sender->waitForFinished(FinishTimeoutMs);
    }
    return result;
}

bool CaseRunner::runStraight(const PeerConfig &listenerConfig, const PeerConfig &senderConfig, bool stopListener,
                             Peers &peers, QString *problem) const
{
    PeerProcess &listener = *peers.emplace_back(startPeer(listenerConfig));
    if (!listener.waitForReady(ReadyTimeoutMs)) {
        listener.waitForFinished(1000);
        *problem = peerProblem(listener, QStringLiteral("listener"));
        return false;
    }
    if (stopListener)
        ::kill(pid_t(listener.pid()), SIGSTOP); // stays stopped; ended by PID with its object
    PeerProcess &sender = *peers.emplace_back(startPeer(senderConfig));
    sender.writeLine("GO\nEXIT"); // nothing to coordinate: start at once, end when done
    sender.waitForFinished(FinishTimeoutMs);
    if (!stopListener)
        listener.waitForFinished(FinishTimeoutMs);
    return true;
}

MemoryResult CaseRunner::runListenerMemory(const QString &system)
{
    MemoryResult result {QStringLiteral("listener-100-channels"), system, {}, {}, {}, {}};
    PeerConfig listenerConfig = baseConfig(system);
    listenerConfig.role = QStringLiteral("memory-listener");
    listenerConfig.count = m_quick ? 2000 : 20000;
    PeerConfig senderConfig = listenerConfig;
    senderConfig.role = QStringLiteral("send");
    senderConfig.channel += QStringLiteral("-7"); // one of the listener's channels
    Peers peers;
    if (!runStraight(listenerConfig, senderConfig, false, peers, &result.note))
        return result;
    PeerProcess &listener = *peers.front();
    const QString memory = listener.lineStartingWith(QStringLiteral("MEMORY "));
    if (memory.isEmpty()) {
        result.note = peerProblem(listener, QStringLiteral("listener"));
        return result;
    }
    const auto got = fields(listener.lineStartingWith(QStringLiteral("RESULT ")));
    result.rssGrowthKiB = double(fields(memory).value(QStringLiteral("rss_growth_kib")));
    result.note = QStringLiteral("100 channels, %1 messages received, %2 lost")
                          .arg(got.value(QStringLiteral("received")))
                          .arg(got.value(QStringLiteral("lost")));
    return result;
}

MemoryResult CaseRunner::runSenderMemory(const QString &system)
{
    MemoryResult result {QStringLiteral("sender-stalled-listener"), system, {}, {}, {}, {}};
    PeerConfig listenerConfig = baseConfig(system);
    listenerConfig.role = QStringLiteral("receive");
    listenerConfig.size = 4096;
    listenerConfig.count = m_quick ? 4096 : 16384; // 16 or 64 MiB, past the sender's 8 MiB queue limit
    PeerConfig senderConfig = listenerConfig;
    senderConfig.role = QStringLiteral("memory-sender");
    Peers peers;
    if (!runStraight(listenerConfig, senderConfig, true, peers, &result.note))
        return result;
    PeerProcess &sender = *peers.back();
    const QString memory = sender.lineStartingWith(QStringLiteral("MEMORY "));
    if (memory.isEmpty()) {
        result.note = peerProblem(sender, QStringLiteral("sender"));
        return result;
    }
    const auto sent = fields(sender.lineStartingWith(QStringLiteral("RESULT ")));
    result.rssGrowthKiB = double(fields(memory).value(QStringLiteral("rss_growth_kib")));
    result.limitKiB = double(fields(memory).value(QStringLiteral("queue_limit_kib")));
    result.maxSendMs = double(sent.value(QStringLiteral("max_hold_ns"))) / 1e6;
    result.note = QStringLiteral("%1 MiB sent to a stopped listener, %2 sends reported it as failed")
                          .arg(senderConfig.count * senderConfig.size / (1024 * 1024))
                          .arg(sent.value(QStringLiteral("failed")));
    return result;
}
