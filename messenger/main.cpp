// SPDX-License-Identifier: MIT
// The Messenger demo: parse arguments, load translations, show the window.
#include "messengeroptions.h"
#include "messengerwindow.h"

#include <XDMessaging/xdversion.h>

#include <QtCore/QLocale>
#include <QtCore/QTranslator>
#include <QtWidgets/QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Messenger"));
    QApplication::setApplicationVersion(QStringLiteral(XDMESSAGING_VERSION_STRING));
    QApplication::setDesktopFileName(QStringLiteral("org.xdmessaging.Messenger"));

    MessengerOptions options;
    int exitCode = 0;
    if (!parseMessengerOptions(QApplication::arguments(), &options, &exitCode))
        return exitCode;

    QTranslator translator;
    const QLocale locale = options.language.isEmpty() ? QLocale::system() : QLocale(options.language);
    if (translator.load(locale, QStringLiteral("messenger"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(&translator);

    MessengerWindow window(options);
    window.show();
    return QApplication::exec();
}
