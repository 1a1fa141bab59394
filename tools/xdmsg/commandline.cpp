// SPDX-License-Identifier: MIT
#include "commandline.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};

void onTerminationSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const ssize_t written = ::write(signalPipe[1], &byte, 1);
}

} // namespace

void quitOnTerminationSignals()
{
    if (::pipe(signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, [] { QCoreApplication::exit(ExitSuccess); });
    struct sigaction action = {};
    action.sa_handler = onTerminationSignal;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

void writeOut(const QByteArray &bytes)
{
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

void printError(const QString &message)
{
    // One line, always: scripts read errors line by line.
    QString line = message;
    line.replace(QLatin1Char('\n'), QStringLiteral("\\n"));
    std::fprintf(stderr, "xdmsg: %s\n", qPrintable(line));
    std::fflush(stderr);
}

int usageError(const QString &message)
{
    printError(message + QStringLiteral(" (see xdmsg --help)"));
    return ExitUsage;
}

void addTransportOption(QCommandLineParser &parser)
{
    parser.addOption({QStringLiteral("transport"),
                      QStringLiteral("Transport: auto, native, localsocket or network (default: auto, "
                                     "or $XDMESSAGING_TRANSPORT)."),
                      QStringLiteral("T"), QStringLiteral("auto")});
}

bool readTransportOption(const QCommandLineParser &parser, XDTransport *transport)
{
    return xdParseTransportName(parser.value(QStringLiteral("transport")), transport);
}

bool readSecondsOption(const QCommandLineParser &parser, const QString &name, double fallback, double *seconds)
{
    bool ok = true;
    *seconds = parser.isSet(name) ? parser.value(name).toDouble(&ok) : fallback;
    return ok && *seconds >= 0;
}

int parseCommand(QCommandLineParser &parser, const QStringList &arguments)
{
    parser.addHelpOption();
    if (!parser.parse(arguments))
        return usageError(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return ExitSuccess;
    }
    XDTransport transport;
    if (parser.optionNames().contains(QStringLiteral("transport")) && !readTransportOption(parser, &transport)) {
        return usageError(QStringLiteral("unknown transport \"%1\"; use auto, native, localsocket or network")
                                  .arg(parser.value(QStringLiteral("transport"))));
    }
    return -1;
}
