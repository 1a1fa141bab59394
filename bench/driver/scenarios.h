// SPDX-License-Identifier: MIT
#pragma once

// The scenarios and systems of the benchmark. Their names are a contract: scripts read
// the JSON output by them.

#include <QtCore/QList>
#include <QtCore/QString>

enum class ScenarioKind {
    Latency, // ping-pong, one way = half a round trip
    Throughput, // what each receiver got per second
    Stalled, // as Throughput, with the first receiver SIGSTOPped for the whole burst
    Request, // as Latency; XDMessaging asks with request() and answers with reply()
    OneShot, // one whole sending process per message (xdmsg send, dbus-send), timed
};

struct Scenario
{
    QString name;
    ScenarioKind kind;
    int senders;
    int receivers;
    int size;
    qint64 fullCount; // messages per sender in a full run
    qint64 quickCount; // ... with --quick
    int channels = 1; // the receivers listen on this many, the senders send on one

    // Peers take turns (ping-pong): the figure is half a round trip, not a rate.
    bool isPingPong() const { return kind == ScenarioKind::Latency || kind == ScenarioKind::Request; }
    // Its figure is a time (p50, lower is faster), not a rate.
    bool isTimed() const { return isPingPong() || kind == ScenarioKind::OneShot; }
};

const QList<Scenario> &benchScenarios();
// The scenario of that name, or null.
const Scenario *findScenario(const QString &name);

// Every system, baselines first; raw-seqpacket is the one the table compares against.
QStringList benchSystems();
const QString &baselineSystem();
// memcpy runs only for the large-message throughput scenarios; channels-1000-64B only
// for XDMessaging and the baseline (which has no channels); oneshot-send for the systems
// with a command-line sender.
bool systemRunsScenario(const QString &system, const Scenario &scenario);
// The memory runs measure the local transports' bounded queues: xdmessaging-* systems
// other than xdmessaging-network, whose queue is Redis.
bool systemRunsMemory(const QString &system);
