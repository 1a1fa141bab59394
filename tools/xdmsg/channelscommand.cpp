// SPDX-License-Identifier: MIT
#include "commandline.h"
#include "messageformat.h"

#include <XDMessaging/xdbroadcaster.h>

#include <cstdio>

int runChannels(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List every live listener this user can reach."));
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (const int exit = parseCommand(parser, arguments); exit >= 0)
        return exit;
    if (!parser.positionalArguments().isEmpty())
        return usageError(QStringLiteral("channels takes no arguments"));

    const XDBroadcaster broadcaster;
    QString error;
    const QList<XDListenerInfo> listeners = broadcaster.listeners(&error);
    if (!error.isEmpty()) {
        printError(error);
        return ExitFailure;
    }
    const QByteArray out = parser.isSet(QStringLiteral("json")) ? listenersJson(listeners) : listenersTable(listeners);
    std::fwrite(out.constData(), 1, size_t(out.size()), stdout);
    return ExitSuccess;
}
