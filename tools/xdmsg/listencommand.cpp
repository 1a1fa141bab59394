// SPDX-License-Identifier: MIT
#include "commandline.h"
#include "messageformat.h"

#include <XDMessaging/xdlistener.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

#include <optional>

int runListen(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the messages sent to the CHANNELs, one per line."));
    addTransportOption(parser);
    parser.addOption({QStringLiteral("count"), QStringLiteral("Exit (0) after N messages."), QStringLiteral("N")});
    parser.addOption({QStringLiteral("timeout"),
                      QStringLiteral("Exit (1) after SECONDS without having got N messages."),
                      QStringLiteral("SECONDS")});
    parser.addOption({QStringLiteral("json"), QStringLiteral("Print one JSON object per message.")});
    parser.addOption({QStringLiteral("reply"), QStringLiteral("Answer every request (xdmsg request) with TEXT."),
                      QStringLiteral("TEXT")});
    parser.addPositionalArgument(QStringLiteral("CHANNEL..."), QStringLiteral("The channels to listen on."));
    if (const int exit = parseCommand(parser, arguments); exit >= 0)
        return exit;

    const QStringList channels = parser.positionalArguments();
    if (channels.isEmpty())
        return usageError(QStringLiteral("listen needs at least one CHANNEL"));
    bool ok = true;
    const qint64 count =
            parser.isSet(QStringLiteral("count")) ? parser.value(QStringLiteral("count")).toLongLong(&ok) : 0;
    if (!ok || count < 0)
        return usageError(QStringLiteral("--count takes a whole number"));
    double timeoutSeconds = 0;
    if (!readSecondsOption(parser, QStringLiteral("timeout"), 0, &timeoutSeconds))
        return usageError(QStringLiteral("--timeout takes a number of seconds"));

    XDTransport transport;
    readTransportOption(parser, &transport);
    XDListener listener(transport);
    for (const QString &channel : channels) {
        if (!listener.registerChannel(channel)) {
            printError(listener.errorString());
            return listener.error() == XDError::InvalidChannelName ? ExitUsage : ExitFailure;
        }
    }

    const bool json = parser.isSet(QStringLiteral("json"));
    const std::optional<QString> replyText = parser.isSet(QStringLiteral("reply"))
                                                     ? std::optional<QString>(parser.value(QStringLiteral("reply")))
                                                     : std::nullopt;
    qint64 received = 0;
    QObject::connect(&listener, &XDListener::messageReceived, &listener, [&](const XDMessage &message) {
        // exit() takes effect when the event loop resumes; a batch may hold more.
        if (count > 0 && received >= count)
            return;
        writeOut(json ? messageJson(message) : messageLine(message));
        if (replyText && message.isRequest()) {
            const XDSendResult replied = listener.reply(message, *replyText);
            if (!replied)
                printError(replied.errorString());
        }
        if (count > 0 && ++received >= count)
            QCoreApplication::exit(ExitSuccess);
    });
    // Messages a network listener missed (it fell too far behind) are said, not hidden.
    QObject::connect(&listener, &XDListener::messagesLost, &listener,
                     [&listener](const QString &, qint64) { printError(listener.errorString()); });
    if (timeoutSeconds > 0) {
        QTimer::singleShot(qRound64(timeoutSeconds * 1000), &listener, [&] {
            printError(QStringLiteral("timed out after %1 seconds with %2 messages").arg(timeoutSeconds).arg(received));
            QCoreApplication::exit(ExitFailure);
        });
    }
    quitOnTerminationSignals();

    QStringList transports;
    const QList<XDTransport> active = listener.activeTransports();
    for (const XDTransport kind : active)
        transports.append(xdTransportName(kind));
    const QString listening = QStringLiteral("listening on %1 (%2)")
                                      .arg(channels.join(QStringLiteral(", ")), transports.join(QLatin1Char(',')));
    // Scripts may send as soon as this line appears: on the network, only say it once
    // Redis confirmed the channels (XDListener::isReady()). Outages are reported; the
    // listener reconnects by itself.
    auto announce = [listening, announced = false]() mutable {
        if (!announced) {
            announced = true;
            printError(listening);
        }
    };
    if (listener.isReady())
        announce();
    QObject::connect(&listener, &XDListener::readyChanged, &listener, [&listener, announce]() mutable {
        if (listener.isReady())
            announce();
    });
    QObject::connect(&listener, &XDListener::networkStateChanged, &listener,
                     [](XDNetworkState state, const QString &error) {
                         if (state == XDNetworkState::Disconnected)
                             printError(QStringLiteral("network: %1").arg(error));
                     });
    return QCoreApplication::exec();
}
