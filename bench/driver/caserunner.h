// SPDX-License-Identifier: MIT
#pragma once

// Runs one scenario for one system with real processes: the receivers first (each says
// where it can be reached), then the senders; collects what every one of them printed.

#include "caseresult.h"
#include "peerconfig.h"
#include "scenarios.h"

#include <memory>
#include <vector>

class BenchEnvironment;
class PeerProcess;
using Peers = std::vector<std::unique_ptr<PeerProcess>>;

class CaseRunner
{
public:
    CaseRunner(const QString &program, const BenchEnvironment &environment, bool quick);
    CaseResult run(const Scenario &scenario, const QString &system);
    MemoryResult runListenerMemory(const QString &system);
    MemoryResult runSenderMemory(const QString &system);

private:
    QString nextChannel();
    // A new channel, the work directory and the idle time; the rest is up to the caller.
    PeerConfig baseConfig(const QString &system);
    PeerConfig configFor(const Scenario &scenario, const QString &system);
    std::unique_ptr<PeerProcess> startPeer(const PeerConfig &config) const;
    bool startReceivers(const Scenario &scenario, PeerConfig config, Peers &receivers, QStringList *addresses,
                        QString *problem) const;
    // Starts the senders and waits until each is connected, not yet sending.
    bool startSenders(const Scenario &scenario, PeerConfig config, const QStringList &addresses, Peers &senders,
                      QString *problem) const;
    bool collectSenders(Peers &senders, bool pingPong, CaseResult &result) const;
    bool collectReceivers(Peers &receivers, size_t first, const Scenario &scenario, CaseResult &result) const;
    // Resumes a stopped receiver, lets the senders finish, and says what it got.
    QString resumeStopped(PeerProcess &stopped, Peers &senders, const PeerConfig &config) const;
    // A listener, then a sender that runs straight through; the listener stays stopped
    // when stopListener. False, with *problem, when the listener did not get ready.
    bool runStraight(const PeerConfig &listenerConfig, const PeerConfig &senderConfig, bool stopListener, Peers &peers,
                     QString *problem) const;
    qint64 countFor(const Scenario &scenario) const { return m_quick ? scenario.quickCount : scenario.fullCount; }

    QString m_program;
    const BenchEnvironment &m_environment;
    bool m_quick;
    int m_runs = 0;
};
