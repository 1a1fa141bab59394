// SPDX-License-Identifier: MIT
// A listener for the native-window tests:
//   x11peer [--gui] TRANSPORT CHANNEL
// prints "READY", then for each message
//   "MSG <transport it came over> <payload bytes> <md5 of payload> <filter deliveries>"
// where the last figure counts inbox events that came through Qt's native event filter,
// and "LOST <count>" when the listener reports messages lost.
// With --gui it runs a QGuiApplication (on xcb), else a QCoreApplication.
#include "transports/x11/x11listener_p.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCryptographicHash>
#include <QtGui/QGuiApplication>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    const bool gui = argc > 1 && qstrcmp(argv[1], "--gui") == 0;
    std::unique_ptr<QCoreApplication> app;
    if (gui)
        app = std::make_unique<QGuiApplication>(argc, argv);
    else
        app = std::make_unique<QCoreApplication>(argc, argv);
    const QStringList arguments = QCoreApplication::arguments().mid(gui ? 2 : 1);
    XDTransport transport;
    if (arguments.size() != 2 || !xdParseTransportName(arguments.at(0), &transport)) {
        std::fprintf(stderr, "usage: x11peer [--gui] TRANSPORT CHANNEL\n");
        return 2;
    }
    XDListener listener(transport);
    if (!listener.registerChannel(arguments.at(1))) {
        std::fprintf(stderr, "x11peer: %s\n", qPrintable(listener.errorString()));
        return 1;
    }
    QObject::connect(&listener, &XDListener::messageReceived, &listener, [](const XDMessage &message) {
        std::printf("MSG %s %lld %s %llu\n", qPrintable(xdTransportName(message.transport())),
                    qlonglong(message.payload().size()),
                    QCryptographicHash::hash(message.payload(), QCryptographicHash::Md5).toHex().constData(),
                    qulonglong(XDMessagingPrivate::X11Listener::eventFilterDeliveries()));
        std::fflush(stdout);
    });
    QObject::connect(&listener, &XDListener::messagesLost, &listener, [](const QString &, qint64 count) {
        std::printf("LOST %lld\n", count);
        std::fflush(stdout);
    });
    std::printf("READY\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}
