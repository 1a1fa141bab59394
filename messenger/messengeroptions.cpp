// SPDX-License-Identifier: MIT
#include "messengeroptions.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>

#include <cstdio>

bool parseMessengerOptions(const QStringList &arguments, MessengerOptions *options, int *exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
            "MessengerOptions", "Chat between processes on this machine with XDMessaging."));
    parser.addHelpOption();
    parser.addVersionOption();
    // Not "--name": QGuiApplication takes that one for the X11 resource name.
    const QCommandLineOption name(QStringLiteral("instance"),
                                  QCoreApplication::translate("MessengerOptions", "The name shown to others."),
                                  QStringLiteral("NAME"));
    const QCommandLineOption transport(
            QStringLiteral("transport"),
            QCoreApplication::translate("MessengerOptions", "auto, native, localsocket or network."),
            QStringLiteral("T"), QStringLiteral("auto"));
    const QCommandLineOption language(
            QStringLiteral("lang"),
            QCoreApplication::translate("MessengerOptions", "Language: en, de or fr (default: the system's)."),
            QStringLiteral("LANG"));
    const QCommandLineOption say(
            QStringLiteral("say"),
            QCoreApplication::translate("MessengerOptions", "Send TEXT on UserMessage after start (repeatable)."),
            QStringLiteral("TEXT"));
    const QCommandLineOption quitAfter(
            QStringLiteral("quit-after"),
            QCoreApplication::translate("MessengerOptions", "Close the window after SECONDS."),
            QStringLiteral("SECONDS"));
    const QCommandLineOption echo(
            QStringLiteral("echo"),
            QCoreApplication::translate("MessengerOptions", "Also print every log line to standard output."));
    const QCommandLineOption readStdin(
            QStringLiteral("stdin"),
            QCoreApplication::translate("MessengerOptions", "Send each line of standard input as if typed."));
    const QCommandLineOption position(QStringLiteral("position"),
                                      QCoreApplication::translate("MessengerOptions", "Put the window at X,Y."),
                                      QStringLiteral("X,Y"));
    parser.addOptions({name, transport, language, say, quitAfter, echo, readStdin, position});

    auto fail = [exitCode](const QString &message) {
        std::fprintf(stderr, "messenger: %s\n", qPrintable(message));
        *exitCode = 2;
        return false;
    };
    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        *exitCode = 0;
        return false;
    }
    if (parser.isSet(QStringLiteral("version"))) {
        std::printf("%s %s\n", qPrintable(QCoreApplication::applicationName()),
                    qPrintable(QCoreApplication::applicationVersion()));
        *exitCode = 0;
        return false;
    }
    options->name = parser.value(name);
    if (!xdParseTransportName(parser.value(transport), &options->transport))
        return fail(QStringLiteral("unknown transport \"%1\"").arg(parser.value(transport)));
    options->language = parser.value(language);
    options->say = parser.values(say);
    options->echo = parser.isSet(echo);
    options->readStdin = parser.isSet(readStdin);
    if (parser.isSet(quitAfter)) {
        bool ok = false;
        const double seconds = parser.value(quitAfter).toDouble(&ok);
        if (!ok || seconds < 0)
            return fail(QStringLiteral("--quit-after takes a number of seconds"));
        options->quitAfterMs = int(seconds * 1000);
    }
    if (parser.isSet(position)) {
        const QStringList xy = parser.value(position).split(QLatin1Char(','));
        bool okX = false;
        bool okY = false;
        if (xy.size() == 2)
            options->position = QPoint(xy.at(0).toInt(&okX), xy.at(1).toInt(&okY));
        if (!okX || !okY)
            return fail(QStringLiteral("--position takes X,Y"));
        options->hasPosition = true;
    }
    return true;
}
