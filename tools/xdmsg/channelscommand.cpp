// SPDX-License-Identifier: MIT
#include "commandline.h"
#include "messageformat.h"

#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdpresence.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

namespace {

// Prints who listens now ("present"), then every join and leave as it happens, until
// a termination signal or the timeout.
int watch(const QString &channel, XDTransport transport, bool json, double timeoutSeconds)
{
    XDPresence presence(channel, transport);
    if (presence.error() != XDError::NoError) {
        printError(presence.errorString());
        return presence.error() == XDError::InvalidChannelName ? ExitUsage : ExitFailure;
    }
    auto print = [json](const QString &event, const XDListenerInfo &listener) {
        writeOut(json ? presenceJson(event, listener) : presenceLine(event, listener));
    };
    if (!json)
        writeOut(presenceHeader());
    const QList<XDListenerInfo> present = presence.listeners();
    for (const XDListenerInfo &listener : present)
        print(QStringLiteral("present"), listener);
    QObject::connect(&presence, &XDPresence::listenerJoined, &presence,
                     [print](const XDListenerInfo &listener) { print(QStringLiteral("joined"), listener); });
    QObject::connect(&presence, &XDPresence::listenerLeft, &presence,
                     [print](const XDListenerInfo &listener, XDPresence::Departure how) {
                         print(how == XDPresence::Vanished ? QStringLiteral("vanished") : QStringLiteral("left"),
                               listener);
                     });
    QObject::connect(&presence, &XDPresence::errorOccurred, &presence,
                     [](XDError, const QString &error) { printError(error); });
    if (timeoutSeconds > 0)
        QTimer::singleShot(qRound64(timeoutSeconds * 1000), &presence, [] { QCoreApplication::exit(ExitSuccess); });
    quitOnTerminationSignals();
    return QCoreApplication::exec();
}

} // namespace

int runChannels(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List every live listener this user can reach."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON (with --watch: one object per line).")});
    parser.addOption({QStringLiteral("watch"),
                      QStringLiteral("Then print each listener joining or leaving, as it happens, one line each.")});
    parser.addOption({QStringLiteral("timeout"), QStringLiteral("With --watch: exit (0) after SECONDS."),
                      QStringLiteral("SECONDS")});
    addTransportOption(parser);
    parser.addPositionalArgument(QStringLiteral("[CHANNEL]"),
                                 QStringLiteral("With --watch: only the listeners of CHANNEL."));
    if (const int exit = parseCommand(parser, arguments); exit >= 0)
        return exit;
    const bool watching = parser.isSet(QStringLiteral("watch"));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() > (watching ? 1 : 0))
        return usageError(watching ? QStringLiteral("channels --watch takes one CHANNEL at most")
                                   : QStringLiteral("channels takes no arguments without --watch"));
    double timeoutSeconds = 0;
    if (!readSecondsOption(parser, QStringLiteral("timeout"), 0, &timeoutSeconds))
        return usageError(QStringLiteral("--timeout takes a number of seconds"));
    XDTransport transport;
    readTransportOption(parser, &transport);
    const bool json = parser.isSet(QStringLiteral("json"));
    if (watching)
        return watch(positional.value(0), transport, json, timeoutSeconds);

    const XDBroadcaster broadcaster(transport);
    QString error;
    const QList<XDListenerInfo> listeners = broadcaster.listeners(&error);
    if (!error.isEmpty()) {
        printError(error);
        return ExitFailure;
    }
    writeOut(json ? listenersJson(listeners) : listenersTable(listeners));
    return ExitSuccess;
}
