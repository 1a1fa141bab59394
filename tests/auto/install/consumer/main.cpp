// SPDX-License-Identifier: MIT
// Sends a message to its own listener through the installed library; exits 0 when it
// arrives, 1 otherwise.
#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir runtimeDir;
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(runtimeDir.path()));

    XDListener listener;
    if (!listener.registerChannel(QStringLiteral("commands"))) {
        std::fprintf(stderr, "register failed: %s\n", qPrintable(listener.errorString()));
        return 1;
    }
    QObject::connect(&listener, &XDListener::messageReceived, &app, [](const XDMessage &message) {
        std::printf("received \"%s\" on %s (XDMessaging %s)\n", qPrintable(message.text()),
                    qPrintable(message.channel()), XDMESSAGING_VERSION_STRING);
        QCoreApplication::exit(message.text() == QLatin1String("shutdown") ? 0 : 1);
    });
    QTimer::singleShot(10000, &app, [] {
        std::fprintf(stderr, "timed out\n");
        QCoreApplication::exit(1);
    });
    const XDSendResult result = XDBroadcaster::send(QStringLiteral("commands"), QStringLiteral("shutdown"));
    if (!result || result.listenersReached() != 1) {
        std::fprintf(stderr, "send failed: %s\n", qPrintable(result.errorString()));
        return 1;
    }
    return QCoreApplication::exec();
}
