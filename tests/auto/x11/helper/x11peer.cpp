// SPDX-License-Identifier: MIT
// A listener for the native-window tests:
//   x11peer [--gui] TRANSPORT CHANNEL [LISTENERS]
// starts LISTENERS listeners (1) on CHANNEL, prints "FILTERS <native event filters of
// ours installed>" and "READY", then for each message (of the first listener)
//   "MSG <transport it came over> <payload bytes> <md5 of payload> <filter deliveries>"
// where the last figure counts inbox events that came through Qt's native event filter,
// and "LOST <count>" when the listener reports messages lost.
// With --gui it runs a QGuiApplication (on xcb), else a QCoreApplication.
#include "transports/x11/x11eventfilter_p.h"
#include "transports/x11/x11listener_p.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCryptographicHash>
#include <QtGui/QGuiApplication>

#include <cstdio>
#include <memory>
#include <vector>

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
    if (arguments.size() < 2 || arguments.size() > 3 || !xdParseTransportName(arguments.at(0), &transport)) {
        std::fprintf(stderr, "usage: x11peer [--gui] TRANSPORT CHANNEL [LISTENERS]\n");
        return 2;
    }
    std::vector<std::unique_ptr<XDListener>> listeners;
    for (int i = 0; i < (arguments.size() == 3 ? arguments.at(2).toInt() : 1); ++i) {
        listeners.push_back(std::make_unique<XDListener>(transport));
        if (!listeners.back()->registerChannel(arguments.at(1))) {
            std::fprintf(stderr, "x11peer: %s\n", qPrintable(listeners.back()->errorString()));
            return 1;
        }
    }
    XDListener &listener = *listeners.front();
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
    std::printf("FILTERS %d\nREADY\n", XDMessagingPrivate::X11EventFilter::installedCount());
    std::fflush(stdout);
    return QCoreApplication::exec();
}
