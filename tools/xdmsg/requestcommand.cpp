// SPDX-License-Identifier: MIT
#include "commandline.h"
#include "messageformat.h"

#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdrequest.h>

#include <QtCore/QCoreApplication>

// Sends TEXT as a request and prints each reply as it comes, like listen prints
// messages; exits once every listener reached answered or the timeout passed.
int runRequest(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Ask the listeners of CHANNEL and print their replies."));
    addTransportOption(parser);
    parser.addOption({QStringLiteral("timeout"), QStringLiteral("Wait at most SECONDS for the replies (default 5)."),
                      QStringLiteral("SECONDS")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object per reply.")});
    parser.addOption(
            {QStringLiteral("propagate"), QStringLiteral("Also ask through Redis (then it waits for the "
                                                         "whole timeout: remote listeners are not counted).")});
    parser.addPositionalArgument(QStringLiteral("CHANNEL"), QStringLiteral("The channel to ask."));
    parser.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The request."));
    if (const int exit = parseCommand(parser, arguments); exit >= 0)
        return exit;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != 2)
        return usageError(QStringLiteral("request takes a CHANNEL and a TEXT"));
    double timeoutSeconds = 0;
    if (!readSecondsOption(parser, QStringLiteral("timeout"), 5, &timeoutSeconds))
        return usageError(QStringLiteral("--timeout takes a number of seconds"));

    XDTransport transport;
    readTransportOption(parser, &transport);
    XDBroadcaster broadcaster(transport);
    broadcaster.setPropagateToNetwork(parser.isSet(QStringLiteral("propagate")));
    XDRequest *request = broadcaster.request(positional.at(0), positional.at(1), int(qRound64(timeoutSeconds * 1000)));
    const XDSendResult sent = request->sendResult();
    if (!sent && sent.listenersReached() == 0) {
        printError(sent.errorString());
        return sent.error() == XDError::InvalidChannelName || sent.error() == XDError::MessageTooLarge ? ExitUsage
                                                                                                       : ExitFailure;
    }
    if (!sent)
        printError(sent.errorString());
    const bool json = parser.isSet(QStringLiteral("json"));
    QObject::connect(request, &XDRequest::replyReceived, request,
                     [json](const XDMessage &reply) { writeOut(json ? messageJson(reply) : messageLine(reply)); });
    QObject::connect(request, &XDRequest::finished, request, [request, &broadcaster] {
        if (request->asked() == 0 && !broadcaster.propagateToNetwork()) {
            printError(QStringLiteral("nobody listens on \"%1\"").arg(request->channel()));
            QCoreApplication::exit(ExitFailure);
            return;
        }
        printError(QStringLiteral("%1 of %2 listeners answered, %3 timed out")
                           .arg(request->answered())
                           .arg(request->asked())
                           .arg(request->timedOut()));
        const bool complete = request->asked() > 0 && request->timedOut() == 0 && request->sendResult().isOk();
        QCoreApplication::exit(complete ? ExitSuccess : ExitFailure);
    });
    quitOnTerminationSignals();
    return QCoreApplication::exec();
}
