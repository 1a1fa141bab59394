// SPDX-License-Identifier: MIT
// xdmessaging-bench: XDMessaging against its peers, in one run. Without --peer it is the
// driver, which starts this same executable again for every sender and receiver.
#include "driver/benchdriver.h"
#include "driver/scenarios.h"
#include "peers/peers.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <cstdio>

namespace {

int runPeerProcess(const QStringList &arguments)
{
    PeerConfig config;
    QString error;
    if (!parsePeerConfig(arguments, &config, &error)) {
        std::fprintf(stderr, "xdmessaging-bench: %s\n", qPrintable(error));
        return 2;
    }
    return runPeer(config);
}

bool parseDriverOptions(const QStringList &arguments, DriverOptions *options)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Benchmarks XDMessaging against raw sockets, QLocalSocket, Qt D-Bus, xcb, ZeroMQ, Qt Remote "
                           "Objects and iceoryx.\n"
                           "Scenarios: ")
            +
            [] {
                QStringList names;
                for (const Scenario &scenario : benchScenarios())
                    names.append(scenario.name);
                return names.join(QLatin1String(", "));
            }()
            + QStringLiteral("\nSystems: ") + benchSystems().join(QLatin1String(", ")));
    parser.addHelpOption();
    const QCommandLineOption quick(QStringLiteral("quick"), QStringLiteral("Small counts and one round (under 30 s)."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Also write the results as JSON to <file>."),
                                  QStringLiteral("file"));
    const QCommandLineOption rounds(QStringLiteral("rounds"), QStringLiteral("Rounds per scenario (default 3)."),
                                    QStringLiteral("n"), QStringLiteral("3"));
    const QCommandLineOption systems(QStringLiteral("system"), QStringLiteral("Run only this system (repeatable)."),
                                     QStringLiteral("name"));
    const QCommandLineOption scenarios(QStringLiteral("scenario"),
                                       QStringLiteral("Run only this scenario (repeatable)."), QStringLiteral("name"));
    parser.addOptions({quick, json, rounds, systems, scenarios});
    parser.process(arguments);
    options->quick = parser.isSet(quick);
    options->jsonFile = parser.value(json);
    options->rounds = qMax(1, parser.value(rounds).toInt());
    options->systems = parser.values(systems);
    options->scenarios = parser.values(scenarios);
    options->command = QStringLiteral("xdmessaging-bench ") + arguments.mid(1).join(QLatin1Char(' '));
    for (const QString &system : options->systems) {
        if (!benchSystems().contains(system)) {
            std::fprintf(stderr, "xdmessaging-bench: unknown system %s\n", qPrintable(system));
            return false;
        }
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    app.setApplicationName(QStringLiteral("xdmessaging-bench"));
    const QStringList arguments = QCoreApplication::arguments();
    if (arguments.contains(QLatin1String("--peer")))
        return runPeerProcess(arguments);
    DriverOptions options;
    options.program = QCoreApplication::applicationFilePath();
    if (!parseDriverOptions(arguments, &options))
        return 2;
    return runBenchmark(options);
}
