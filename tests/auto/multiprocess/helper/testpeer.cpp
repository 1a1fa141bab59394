// SPDX-License-Identifier: MIT
// A peer for multi-process tests. Listens and sends through the public API; "rawsend"
// speaks the wire format by hand, as a hostile or foreign client would.
//
//   testpeer listen CHANNEL...        prints "READY" once registered, then for each
//                                     message "MSG <channel> <senderPid> <text>" (the
//                                     text cut to 40 characters)
//   testpeer send CHANNEL COUNT TAG   sends "TAG:0" .. "TAG:<COUNT-1>", flushes, prints
//                                     "SENT <deliveries> <failed messages> <peak RSS KiB>"
//   testpeer count CHANNEL SENDERS N  counts messages "TAG:n" from SENDERS senders of N
//                                     each, checking order and duplicates; prints
//                                     "READY", "PROGRESS ..." every 10,000 messages,
//                                     then "DONE <received> <duplicates>
//                                     <out of order> <peak RSS KiB>" when all arrived
//   testpeer count CHANNEL SENDERS N --until-marker  the same, then goes on counting
//                                     until a message "marker" comes, prints "FINAL
//                                     <received> <duplicates> <out of order>" and exits
//   testpeer rawsend SOCKET CHANNEL TEXT  connects to a listener's socket, writes one
//                                     frame, prints "CLOSED" if the listener hangs up
//                                     within 2 s, else "OPEN"; "CONNECT-FAILED <error>"
//   testpeer interactive [NAME]       one listener, driven by lines on standard input:
//                                     "register CHANNEL", "unregister CHANNEL" (each
//                                     answered "DONE <command>" or "FAILED <error>"),
//                                     "answer TEXT" (from then on every request is
//                                     answered with TEXT; "answer =echo" answers
//                                     "re:<request>"), "quit" (destroys the listener,
//                                     then exits 0); prints "READY" first, "MSG ..."
//                                     for each message (as listen does, after
//                                     "RETAINED <channel> <text>" for a retained value),
//                                     "REQUEST <text>" for each request among them,
//                                     "LIVE" / "NOT-LIVE" when XDListener::isReady()
//                                     changes.
//                                     NAME: the listener's name
//   testpeer ask CHANNEL COUNT TIMEOUT_MS  sends COUNT requests "q<i>" at once, waits
//                                     for all to finish, prints "ASKED <asked>
//                                     ANSWERED <answered> TIMEDOUT <timed out>
//                                     REPLIES <replies> WRONG <replies not
//                                     "re:q<i>" to request i>"
//   testpeer propagate CHANNEL COUNT TAG INTERVAL_MS  like send, with propagation to
//                                     the network on, one message every INTERVAL_MS;
//                                     prints "SENT <local deliveries> <failed messages>
//                                     <propagated messages>" once Redis took them all
//
// Listeners ("listen", "count") on the network (XDMESSAGING_REDIS_URL set) print
// "READY" once ready (Redis confirmed their channels), "NETWORK <state>" whenever that changes, and
// "LOST <channel> <count>" when the library says messages were lost.
#include "codec/frame_p.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>
#include <QtCore/QHash>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

qint64 peakRssKiB();

// Prints READY once the listener can receive (XDListener::isReady()): at once locally,
// once Redis confirmed its channels on the network.
void announceWhenReady(XDListener *listener)
{
    auto printReady = [] {
        std::printf("READY\n");
        std::fflush(stdout);
    };
    QObject::connect(listener, &XDListener::networkStateChanged, qApp, [](XDNetworkState state, const QString &error) {
        std::printf("NETWORK %d %s\n", int(state), qPrintable(error));
        std::fflush(stdout);
    });
    QObject::connect(listener, &XDListener::readyChanged, qApp, [listener, printReady, announced = false]() mutable {
        if (listener->isReady() && !announced) {
            announced = true;
            printReady();
        }
    });
    QObject::connect(listener, &XDListener::messagesLost, qApp, [](const QString &channel, qint64 count) {
        std::printf("LOST %s %lld\n", qPrintable(channel), count);
        std::fflush(stdout);
    });
    if (listener->isReady())
        printReady();
}

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
    announceWhenReady(listener);
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
    // The bound is for a peer that stopped reading, not for a slow one: eight sanitized
    // listeners beside busy loops took more than 10 s to take in the last of four
    // senders' queues. Each test bounds the whole run of the peer itself.
    if (!broadcaster.flush(120000)) {
        std::fprintf(stderr, "testpeer: the queues were not handed over within 120 s\n");
        ++failed;
    }
    std::printf("SENT %lld %d %lld\n", deliveries, failed, peakRssKiB());
    std::fflush(stdout);
    return failed == 0 ? 0 : 1;
}

qint64 peakRssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return -1;
}

int count(const QString &channel, int senders, qint64 perSender, bool untilMarker)
{
    auto *listener = new XDListener(qApp);
    if (!listener->registerChannel(channel)) {
        std::fprintf(stderr, "testpeer: %s\n", qPrintable(listener->errorString()));
        return 1;
    }
    struct Tally
    {
        qint64 received = 0, duplicates = 0, outOfOrder = 0;
        QHash<QString, qint64> next;
    };
    auto *tally = new Tally;
    QObject::connect(listener, &XDListener::messageReceived, qApp, [=](const XDMessage &message) {
        const QString text = message.text();
        if (untilMarker && text == u"marker") {
            std::printf("FINAL %lld %lld %lld\n", tally->received, tally->duplicates, tally->outOfOrder);
            std::fflush(stdout);
            QCoreApplication::exit(0);
            return;
        }
        const qsizetype colon = text.indexOf(QLatin1Char(':'));
        const QString tag = text.left(colon);
        const qint64 n = QStringView(text).mid(colon + 1).toLongLong();
        qint64 &next = tally->next[tag];
        if (n < next)
            ++tally->duplicates;
        else if (n > next)
            ++tally->outOfOrder;
        next = qMax(next, n + 1);
        if (++tally->received % 10000 == 0) {
            std::printf("PROGRESS %lld %lld %lld\n", tally->received, tally->duplicates, tally->outOfOrder);
            std::fflush(stdout);
        }
        if (tally->received == senders * perSender) {
            std::printf("DONE %lld %lld %lld %lld\n", tally->received, tally->duplicates, tally->outOfOrder,
                        peakRssKiB());
            std::fflush(stdout);
            if (!untilMarker)
                QCoreApplication::exit(0);
        }
    });
    announceWhenReady(listener);
    return QCoreApplication::exec();
}

int propagate(const QString &channel, int count, const QString &tag, int intervalMs)
{
    XDBroadcaster broadcaster;
    broadcaster.setPropagateToNetwork(true);
    struct Progress
    {
        int next = 0;
        qint64 deliveries = 0;
        int failed = 0;
        int propagated = 0;
    };
    Progress progress; // outlives the event loop below, which is all that uses it
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, qApp, [&] {
        const XDSendResult result =
                broadcaster.sendToChannel(channel, tag + QLatin1Char(':') + QString::number(progress.next));
        progress.deliveries += result.listenersReached();
        progress.failed += result ? 0 : 1;
        progress.propagated += result.propagatedToNetwork() ? 1 : 0;
        if (!result)
            std::fprintf(stderr, "testpeer: %s\n", qPrintable(result.errorString()));
        if (++progress.next < count)
            return;
        timer.stop();
        if (!broadcaster.flush(30000))
            ++progress.failed;
        std::printf("SENT %lld %d %d\n", progress.deliveries, progress.failed, progress.propagated);
        std::fflush(stdout);
        QCoreApplication::exit(progress.failed == 0 ? 0 : 1);
    });
    timer.start(intervalMs);
    return QCoreApplication::exec();
}

int rawSend(const QString &socketPath, const QString &channel, const QString &text)
{
    using namespace XDMessagingPrivate;
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address = {};
    address.sun_family = AF_UNIX;
    const QByteArray path = QFile::encodeName(socketPath);
    std::memcpy(address.sun_path, path.constData(), size_t(qMin<qsizetype>(path.size(), sizeof address.sun_path - 1)));
    if (::connect(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0) {
        std::printf("CONNECT-FAILED %s\n", std::strerror(errno));
        return 0;
    }
    FrameMeta meta;
    meta.payloadType = 1;
    meta.senderPid = QCoreApplication::applicationPid();
    meta.publisher = quint64(meta.senderPid);
    meta.sequence = 1;
    const EncodedFrame frame = encodeFrame(meta, channel.toUtf8(), "rawsend", text.toUtf8());
    const QByteArray bytes = frame.head + frame.payload;
    [[maybe_unused]] const ssize_t written = ::send(fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL);
    pollfd hangup = {fd, POLLIN, 0};
    char byte;
    const bool closed = ::poll(&hangup, 1, 2000) == 1 && ::recv(fd, &byte, 1, 0) <= 0;
    std::printf(closed ? "CLOSED\n" : "OPEN\n");
    ::close(fd);
    return 0;
}

int interactive(const QString &name)
{
    auto listener = std::make_unique<XDListener>();
    if (!name.isEmpty())
        listener->setName(name);
    std::optional<QString> answer;
    QObject::connect(listener.get(), &XDListener::messageReceived, qApp,
                     [&listener, &answer](const XDMessage &message) {
                         if (message.isRetained())
                             std::printf("RETAINED %s %s\n", qPrintable(message.channel()), qPrintable(message.text()));
                         std::printf("MSG %s %lld %s\n", qPrintable(message.channel()), message.senderPid(),
                                     qPrintable(message.text().left(40)));
                         if (!message.isRequest()) {
                             std::fflush(stdout);
                             return;
                         }
                         std::printf("REQUEST %s\n", qPrintable(message.text()));
                         std::fflush(stdout);
                         if (!answer) {
                             std::fflush(stdout);
                             return;
                         }
                         const XDSendResult replied = listener->reply(
                                 message, *answer == u"=echo" ? QStringLiteral("re:") + message.text() : *answer);
                         if (!replied)
                             std::printf("REPLY-FAILED %s\n", qPrintable(replied.errorString()));
                         std::fflush(stdout);
                     });
    QObject::connect(listener.get(), &XDListener::readyChanged, qApp, [&listener] {
        std::printf(listener->isReady() ? "LIVE\n" : "NOT-LIVE\n");
        std::fflush(stdout);
    });
    auto *input = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, qApp);
    QByteArray pending;
    QObject::connect(input, &QSocketNotifier::activated, qApp, [&listener, &pending, &answer, input] {
        char chunk[1024];
        const ssize_t received = ::read(STDIN_FILENO, chunk, sizeof chunk);
        if (received <= 0) {
            input->setEnabled(false);
            return;
        }
        pending.append(chunk, received);
        qsizetype newline;
        while ((newline = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.first(newline)).trimmed();
            pending.remove(0, newline + 1);
            const QString command = line.section(QLatin1Char(' '), 0, 0);
            const QString channel = line.section(QLatin1Char(' '), 1);
            if (command == u"quit") {
                listener.reset();
                QCoreApplication::quit();
                return;
            }
            if (command == u"answer") {
                answer = channel; // the rest of the line
                std::printf("DONE %s\n", qPrintable(line));
                std::fflush(stdout);
                continue;
            }
            const bool done = command == u"register"     ? listener->registerChannel(channel)
                              : command == u"unregister" ? listener->unregisterChannel(channel)
                                                         : false;
            if (done)
                std::printf("DONE %s\n", qPrintable(line));
            else
                std::printf("FAILED %s\n", qPrintable(listener->errorString()));
            std::fflush(stdout);
        }
    });
    std::printf("READY\n");
    std::fflush(stdout);
    const int status = QCoreApplication::exec();
    listener.reset(); // before the application: the listener says goodbye
    return status;
}

int ask(const QString &channel, int count, int timeoutMs)
{
    auto *broadcaster = new XDBroadcaster(qApp);
    struct Totals
    {
        int asked = 0, answered = 0, timedOut = 0, replies = 0, wrong = 0, unfinished = 0;
    };
    auto *totals = new Totals;
    totals->unfinished = count;
    for (int i = 0; i < count; ++i) {
        const QString text = QStringLiteral("q%1").arg(i);
        XDRequest *request = broadcaster->request(channel, text, timeoutMs);
        QObject::connect(request, &XDRequest::replyReceived, request, [totals, text](const XDMessage &reply) {
            ++totals->replies;
            if (reply.text() != QStringLiteral("re:") + text)
                ++totals->wrong;
        });
        QObject::connect(request, &XDRequest::finished, request, [totals, request] {
            totals->asked += request->asked();
            totals->answered += request->answered();
            totals->timedOut += request->timedOut();
            request->deleteLater();
            if (--totals->unfinished == 0) {
                std::printf("ASKED %d ANSWERED %d TIMEDOUT %d REPLIES %d WRONG %d\n", totals->asked, totals->answered,
                            totals->timedOut, totals->replies, totals->wrong);
                std::fflush(stdout);
                QCoreApplication::quit();
            }
        });
    }
    return QCoreApplication::exec();
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
    const bool untilMarker = arguments.size() == 5 && arguments.at(4) == u"--until-marker";
    if ((arguments.size() == 4 || untilMarker) && arguments.at(0) == u"count")
        return count(arguments.at(1), arguments.at(2).toInt(), arguments.at(3).toLongLong(), untilMarker);
    if (arguments.size() == 4 && arguments.at(0) == u"rawsend")
        return rawSend(arguments.at(1), arguments.at(2), arguments.at(3));
    if (arguments.size() == 4 && arguments.at(0) == u"ask")
        return ask(arguments.at(1), arguments.at(2).toInt(), arguments.at(3).toInt());
    if ((arguments.size() == 1 || arguments.size() == 2) && arguments.at(0) == u"interactive")
        return interactive(arguments.value(1));
    if (arguments.size() == 5 && arguments.at(0) == u"propagate")
        return propagate(arguments.at(1), arguments.at(2).toInt(), arguments.at(3), arguments.at(4).toInt());
    std::fprintf(stderr, "usage: testpeer listen CHANNEL... | send CHANNEL COUNT TAG | "
                         "count CHANNEL SENDERS N | rawsend SOCKET CHANNEL TEXT | interactive [NAME] | ask CHANNEL "
                         "COUNT TIMEOUT_MS | "
                         "propagate CHANNEL COUNT TAG INTERVAL_MS\n");
    return 2;
}
