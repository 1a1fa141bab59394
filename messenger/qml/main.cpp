// SPDX-License-Identifier: MIT
// The QML Messenger: the Widgets Messenger's chat in a Qt Quick window, written against
// the XDMessaging QML module alone. Parse arguments, load Main.qml, run.
#include "stdinlines.h"

#include <QtCore/QCommandLineParser>
#include <QtCore/QTranslator>
#include <QtGui/QGuiApplication>
#include <QtQml/QQmlApplicationEngine>

int main(int argc, char *argv[])
{
    QGuiApplication app(argc, argv);
    QGuiApplication::setApplicationName(QStringLiteral("QML Messenger"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Chat with the Messenger and xdmsg on the channels Status and UserMessage."));
    parser.addHelpOption();
    const QCommandLineOption instance(QStringLiteral("instance"), QStringLiteral("The name others see."),
                                      QStringLiteral("name"),
                                      QStringLiteral("QML %1").arg(QCoreApplication::applicationPid()));
    const QCommandLineOption position(QStringLiteral("position"), QStringLiteral("Where the window opens."),
                                      QStringLiteral("x,y"));
    const QCommandLineOption readStdin(QStringLiteral("stdin"),
                                       QStringLiteral("Send each line of standard input as if typed."));
    const QCommandLineOption language(QStringLiteral("lang"),
                                      QStringLiteral("Language: en, de or fr (default: the system's)."),
                                      QStringLiteral("code"));
    parser.addOptions({instance, position, readStdin, language});
    parser.process(app);

    QTranslator translator;
    const QLocale locale = parser.isSet(language) ? QLocale(parser.value(language)) : QLocale::system();
    if (translator.load(locale, QStringLiteral("qml-messenger"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);

    const QStringList xy = parser.value(position).split(QLatin1Char(','));
    StdinLines lines;
    if (parser.isSet(readStdin))
        lines.start();
    QQmlApplicationEngine engine;
    engine.setInitialProperties({
            {QStringLiteral("instanceName"), parser.value(instance)},
            {QStringLiteral("x"), xy.size() == 2 ? xy.at(0).toInt() : 40},
            {QStringLiteral("y"), xy.size() == 2 ? xy.at(1).toInt() : 40},
            {QStringLiteral("typedLines"), QVariant::fromValue<QObject *>(&lines)},
    });
    engine.load(QUrl(QStringLiteral("qrc:/XDMessagingQmlMessenger/Main.qml")));
    if (engine.rootObjects().isEmpty())
        return 1;
    return QGuiApplication::exec();
}
