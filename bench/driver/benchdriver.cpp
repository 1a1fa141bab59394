// SPDX-License-Identifier: MIT
#include "benchdriver.h"

#include "benchenvironment.h"
#include "benchreport.h"
#include "caserunner.h"
#include "memcpybench.h"
#include "peers.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QFile>

#include <cstdio>

namespace {

QElapsedTimer sinceStart;

void progress(const QString &line)
{
    std::fprintf(stderr, "[%6.1f s] %s\n", double(sinceStart.elapsed()) / 1000, qPrintable(line));
    std::fflush(stderr);
}

QString summary(const CaseResult &result)
{
    if (result.p50Us)
        return QStringLiteral("p50 %1 us, p99 %2 us")
                .arg(*result.p50Us, 0, 'f', 1)
                .arg(result.p99Us.value_or(0), 0, 'f', 1);
    if (result.msgsPerS)
        return QStringLiteral("%1 msgs/s, %2 MiB/s, %3 lost")
                .arg(*result.msgsPerS, 0, 'f', 0)
                .arg(result.mibPerS.value_or(0), 0, 'f', 1)
                .arg(result.lost);
    return QStringLiteral("no figure: ") + result.note;
}

bool selected(const QStringList &filter, const QString &name)
{
    return filter.isEmpty() || filter.contains(name);
}

// Said once, before anything runs: a system missing from the binary otherwise shows up
// only as a note in the table.
void warnAboutSystemsNotBuiltIn()
{
    QStringList missing;
    for (const QString &system : benchSystems()) {
        if (system != QLatin1String("memcpy") && !isPeerSystemBuiltIn(system))
            missing.append(system);
    }
    if (!missing.isEmpty())
        std::fprintf(stderr,
                     "xdmessaging-bench: not built in (install scripts/install-deps.sh packages and rebuild): %s\n",
                     qPrintable(missing.join(QLatin1String(", "))));
}

void runScenarios(const DriverOptions &options, BenchEnvironment &environment, BenchReport &report)
{
    CaseRunner runner(options.program, environment, options.quick);
    const int rounds = options.quick ? 1 : options.rounds;
    for (const Scenario &scenario : benchScenarios()) {
        if (!selected(options.scenarios, scenario.name))
            continue;
        // Systems take turns within each round, so drift of a shared machine hits all alike.
        for (int round = 0; round < rounds; ++round) {
            for (const QString &system : benchSystems()) {
                if (!selected(options.systems, system) || !systemRunsScenario(system, scenario))
                    continue;
                environment.prepareFor(system);
                const QString unavailable = environment.unavailableReason(system);
                CaseResult result =
                        !unavailable.isEmpty()
                                ? CaseResult {scenario.name, system, {}, {}, {}, {}, {}, 0, 0, 0, unavailable}
                        : system == QLatin1String("memcpy") ? runMemcpy(scenario, options.quick)
                                                            : runner.run(scenario, system);
                progress(QStringLiteral("%1 round %2 %3: %4")
                                 .arg(scenario.name)
                                 .arg(round + 1)
                                 .arg(system, summary(result)));
                report.add(result);
            }
        }
    }
    for (const QString &system : benchSystems()) {
        if (!systemRunsMemory(system) || !selected(options.systems, system))
            continue;
        const QString unavailable = environment.unavailableReason(system);
        if (!unavailable.isEmpty())
            continue;
        report.addMemory(runner.runListenerMemory(system));
        report.addMemory(runner.runSenderMemory(system));
        progress(QStringLiteral("memory %1 done").arg(system));
    }
}

} // namespace

int runBenchmark(const DriverOptions &options)
{
    sinceStart.start();
    warnAboutSystemsNotBuiltIn();
    BenchEnvironment environment;
    environment.start();
    BenchReport report;
    runScenarios(options, environment, report);

    const QJsonObject machine = environment.machine();
    std::printf("%s", qPrintable(report.markdown(machine, options.command)));
    std::fflush(stdout);
    if (!options.jsonFile.isEmpty()) {
        QFile file(options.jsonFile);
        if (!file.open(QIODevice::WriteOnly) || file.write(report.json(machine).toJson()) < 0) {
            progress(QStringLiteral("cannot write %1: %2").arg(options.jsonFile, file.errorString()));
            return 2;
        }
    }
    progress(QStringLiteral("benchmark done"));
    const QStringList losses = report.xdmessagingLosses();
    for (const QString &loss : losses)
        progress(QStringLiteral("LOSS: ") + loss);
    return losses.isEmpty() ? 0 : 1;
}
