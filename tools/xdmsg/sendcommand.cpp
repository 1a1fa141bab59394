// SPDX-License-Identifier: MIT
#include "commandline.h"

#include <XDMessaging/xdbroadcaster.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>

namespace {

struct SendTotals
{
    qint64 messages = 0;
    qint64 deliveries = 0;
    qint64 propagated = 0;
    qint64 messagesWithFailures = 0;
    qint64 lostAfterSending = 0; // accepted, then lost with their listener (deliveryFailed)
    bool fatal = false; // the whole send failed (bad channel, transport unavailable, ...)
    bool usage = false; // ... because of what the user typed
};

void account(const XDSendResult &result, SendTotals *totals)
{
    ++totals->messages;
    totals->deliveries += result.listenersReached();
    totals->propagated += result.propagatedToNetwork() ? 1 : 0;
    if (result.isOk())
        return;
    // Report the first failure in full; a stuck listener would otherwise print one
    // line per message.
    if (totals->messagesWithFailures == 0 || result.listenersFailed() == 0)
        printError(result.errorString());
    ++totals->messagesWithFailures;
    totals->fatal = totals->fatal || result.listenersFailed() == 0;
    totals->usage = totals->usage || result.error() == XDError::InvalidChannelName
                    || result.error() == XDError::MessageTooLarge;
}

// Sends every line of standard input, in order (each the retained value in turn, with
// retain); stops early only on a fatal error.
void sendLines(XDBroadcaster &broadcaster, const QString &channel, bool retain, SendTotals *totals)
{
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly)) {
        printError(QStringLiteral("cannot read standard input"));
        totals->fatal = true;
        return;
    }
    while (!totals->fatal) {
        QByteArray line = input.readLine();
        if (line.isEmpty())
            break;
        if (line.endsWith('\n'))
            line.chop(1);
        const QString text = QString::fromUtf8(line);
        account(retain ? broadcaster.sendRetained(channel, text) : broadcaster.sendToChannel(channel, text), totals);
    }
}

} // namespace

int runSend(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Send TEXT, or each line of standard input, to CHANNEL."));
    addTransportOption(parser);
    parser.addOption({QStringLiteral("stdin"), QStringLiteral("Send each line of standard input as one message.")});
    parser.addOption({QStringLiteral("verbose"), QStringLiteral("Print how many listeners were reached.")});
    parser.addOption(
            {QStringLiteral("retain"), QStringLiteral("Make the message the channel's retained value, which "
                                                      "later listeners get first (an empty TEXT clears it).")});
    parser.addOption({QStringLiteral("propagate"), QStringLiteral("Also send through Redis to other machines "
                                                                  "(XDMESSAGING_REDIS_URL).")});
    parser.addPositionalArgument(QStringLiteral("CHANNEL"), QStringLiteral("The channel to send to."));
    parser.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The message (not with --stdin)."));
    if (const int exit = parseCommand(parser, arguments); exit >= 0)
        return exit;

    const bool fromStdin = parser.isSet(QStringLiteral("stdin"));
    const QStringList positional = parser.positionalArguments();
    if (positional.size() != (fromStdin ? 1 : 2)) {
        return usageError(fromStdin ? QStringLiteral("send --stdin takes exactly one CHANNEL")
                                    : QStringLiteral("send takes a CHANNEL and a TEXT"));
    }
    XDTransport transport;
    readTransportOption(parser, &transport);
    XDBroadcaster broadcaster(transport);
    broadcaster.setPropagateToNetwork(parser.isSet(QStringLiteral("propagate")));
    const QString channel = positional.first();
    SendTotals totals;
    QObject::connect(&broadcaster, &XDBroadcaster::deliveryFailed,
                     [&totals](const QString &listener, int messageCount, const QString &reason) {
                         printError(QStringLiteral("%1 messages lost after they were sent: %2: %3")
                                            .arg(messageCount)
                                            .arg(listener, reason));
                         totals.lostAfterSending += messageCount;
                     });
    const bool retain = parser.isSet(QStringLiteral("retain"));
    if (fromStdin)
        sendLines(broadcaster, channel, retain, &totals);
    else
        account(retain ? broadcaster.sendRetained(channel, positional.at(1))
                       : broadcaster.sendToChannel(channel, positional.at(1)),
                &totals);

    if (!broadcaster.flush()) {
        printError(QStringLiteral("some listeners did not take their messages within %1 ms")
                           .arg(broadcaster.sendTimeout()));
        totals.messagesWithFailures = qMax<qint64>(totals.messagesWithFailures, 1);
    }
    // Losses the library found out after the sends returned arrive as queued signals.
    QCoreApplication::processEvents();
    if (parser.isSet(QStringLiteral("verbose"))) {
        if (fromStdin) {
            printError(QStringLiteral(
                               "sent %1 messages to \"%2\": %3 deliveries, %4 messages not delivered to every listener")
                               .arg(totals.messages)
                               .arg(channel)
                               .arg(totals.deliveries)
                               .arg(totals.messagesWithFailures));
        } else {
            printError(QStringLiteral("reached %1 listeners on \"%2\"").arg(totals.deliveries).arg(channel));
        }
        if (broadcaster.propagateToNetwork())
            printError(QStringLiteral("%1 messages propagated to the network").arg(totals.propagated));
    }
    if (totals.usage)
        return ExitUsage;
    return totals.messagesWithFailures > 0 || totals.lostAfterSending > 0 ? ExitFailure : ExitSuccess;
}
