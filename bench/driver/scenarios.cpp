// SPDX-License-Identifier: MIT
#include "scenarios.h"

const QList<Scenario> &benchScenarios()
{
    static const QList<Scenario> scenarios {
            {QStringLiteral("latency-64B"), ScenarioKind::Latency, 1, 1, 64, 3000, 300},
            {QStringLiteral("latency-64KiB"), ScenarioKind::Latency, 1, 1, 64 * 1024, 500, 50},
            {QStringLiteral("throughput-1to1-64B"), ScenarioKind::Throughput, 1, 1, 64, 200000, 20000},
            {QStringLiteral("throughput-1to1-64KiB"), ScenarioKind::Throughput, 1, 1, 64 * 1024, 4000, 400},
            {QStringLiteral("throughput-1to1-1MiB"), ScenarioKind::Throughput, 1, 1, 1024 * 1024, 300, 30},
            {QStringLiteral("fanout-1to8-64B"), ScenarioKind::Throughput, 1, 8, 64, 40000, 4000},
            {QStringLiteral("fanout-1to64-64B"), ScenarioKind::Throughput, 1, 64, 64, 5000, 500},
            {QStringLiteral("channels-1000-64B"), ScenarioKind::Throughput, 1, 1, 64, 200000, 20000, 1000},
            {QStringLiteral("fanin-4to1-64B"), ScenarioKind::Throughput, 4, 1, 64, 50000, 5000},
            {QStringLiteral("stalled-1of8-64B"), ScenarioKind::Stalled, 1, 8, 64, 40000, 4000},
            {QStringLiteral("request-64B"), ScenarioKind::Request, 1, 1, 64, 3000, 300},
            {QStringLiteral("oneshot-send"), ScenarioKind::OneShot, 1, 1, 5, 100, 10},
    };
    return scenarios;
}

const Scenario *findScenario(const QString &name)
{
    for (const Scenario &scenario : benchScenarios()) {
        if (scenario.name == name)
            return &scenario;
    }
    return nullptr;
}

QStringList benchSystems()
{
    return {QStringLiteral("raw-seqpacket"),
            QStringLiteral("qlocalsocket"),
            QStringLiteral("qtdbus"),
            QStringLiteral("raw-xcb-property"),
            QStringLiteral("zeromq-pubsub"),
            QStringLiteral("qtremoteobjects"),
            QStringLiteral("iceoryx-pubsub"),
            QStringLiteral("memcpy"),
            QStringLiteral("xdmessaging-localsocket"),
            QStringLiteral("xdmessaging-native"),
            QStringLiteral("xdmessaging-auto"),
            QStringLiteral("xdmessaging-network")};
}

const QString &baselineSystem()
{
    static const QString name = QStringLiteral("raw-seqpacket");
    return name;
}

bool systemRunsScenario(const QString &system, const Scenario &scenario)
{
    const bool xdmessaging = system.startsWith(QLatin1String("xdmessaging-"));
    if (scenario.kind == ScenarioKind::OneShot)
        return system == QLatin1String("qtdbus") || (xdmessaging && system != QLatin1String("xdmessaging-network"));
    if (scenario.channels > 1)
        return xdmessaging || system == baselineSystem();
    if (system != QLatin1String("memcpy"))
        return true;
    return scenario.kind == ScenarioKind::Throughput && scenario.senders == 1 && scenario.receivers == 1
           && scenario.size >= 64 * 1024;
}

bool systemRunsMemory(const QString &system)
{
    return system.startsWith(QLatin1String("xdmessaging-")) && system != QLatin1String("xdmessaging-network");
}
