// SPDX-License-Identifier: MIT
// A peer for multi-process tests, using only the public API.
//
//   testpeer listen CHANNEL...        prints "READY" once registered, then for each
//                                     message "MSG <channel> <senderPid> <text>" (the
//                                     text cut to 40 characters)
//   testpeer send CHANNEL COUNT TAG   sends "TAG:0" .. "TAG:<COUNT-1>", flushes, prints
//                                     "SENT <deliveries> <failed messages>"
#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>

#include <cstdio>

namespace {

int listen(const QStringList &channels)
{
    auto *listener = new XDListener(qApp);
    for (const QString &channel : channels) {
        if (!listener->registerChannel(channel)) {
            std::fprintf(stderr, "testpeer: %s\n", qPrintable(listener->errorString()));
            return 1;
        }
    }
    QObject::connect(listener, &XDListener::messageReceived, qApp, [](const XDMessage &message) {
        std::printf("MSG %s %lld %s\n", qPrintable(message.channel()), message.senderPid(),
                    qPrintable(message.text().left(40)));
        std::fflush(stdout);
    });
    std::printf("READY\n");
    std::fflush(stdout);
    return QCoreApplication::exec();
}

int send(const QString &channel, int count, const QString &tag)
{
    XDBroadcaster broadcaster;
    qint64 deliveries = 0;
    int failed = 0;
    for (int i = 0; i < count; ++i) {
        const XDSendResult result = broadcaster.sendToChannel(channel, tag + QLatin1Char(':') + QString::number(i));
        deliveries += result.listenersReached();
        if (!result)
            ++failed;
    }
    if (!broadcaster.flush(10000))
        ++failed;
    std::printf("SENT %lld %d\n", deliveries, failed);
    std::fflush(stdout);
    return failed == 0 ? 0 : 1;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("testpeer"));
    const QStringList arguments = QCoreApplication::arguments().mid(1);
    if (arguments.size() >= 2 && arguments.at(0) == u"listen")
        return listen(arguments.mid(1));
    if (arguments.size() == 4 && arguments.at(0) == u"send")
        return send(arguments.at(1), arguments.at(2).toInt(), arguments.at(3));
    std::fprintf(stderr, "usage: testpeer listen CHANNEL... | send CHANNEL COUNT TAG\n");
    return 2;
}
