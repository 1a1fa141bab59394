// SPDX-License-Identifier: MIT
// The memory scenarios, for the xdmessaging-* systems:
//   memory-listener  a listener with 100 channels receiving --count messages on one of
//                    them: how much its resident set grew.
//   memory-sender    a sender whose only listener is stopped, sending --count messages
//                    of --size bytes, well past its queue limit: how much its resident
//                    set grew (bounded by the limit), and the longest a send held it.
#include "benchmessage.h"
#include "peers.h"
#include "receiveclock.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QFile>

namespace {

constexpr int ListenerChannels = 100;
constexpr qint64 SenderQueueLimit = 8 * 1024 * 1024;

// A field of /proc/self/status (VmRSS, VmHWM) in KiB.
qint64 statusKiB(const QByteArray &field)
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(QByteArray(field + ':')))
            return line.mid(field.size() + 1).trimmed().split(' ').value(0).toLongLong();
    }
    return -1;
}

} // namespace

int xdMessagingMemoryListener(const PeerConfig &config)
{
    const qint64 before = statusKiB("VmRSS");
    XDListener listener(xdMessagingTransportOf(config));
    for (int i = 0; i < ListenerChannels; ++i) {
        if (!listener.registerChannel(config.channel + QLatin1Char('-') + QString::number(i)))
            return reportUnsupported(listener.errorString());
    }
    ReceiveTally tally(1, config.count);
    QtReceiveLoop loop(config, tally);
    QObject::connect(&listener, &XDListener::messageReceived, [&](const XDMessage &message) {
        tally.record(message.payload().constData(), message.payload().size());
        loop.messageArrived();
    });
    reportLine("READY");
    loop.exec();
    reportLine(QStringLiteral("MEMORY rss_growth_kib=%1 channels=%2")
                       .arg(statusKiB("VmHWM") - before)
                       .arg(ListenerChannels)
                       .toUtf8());
    return 0;
}

int xdMessagingMemorySender(const PeerConfig &config)
{
    XDBroadcaster broadcaster(xdMessagingTransportOf(config));
    broadcaster.setQueueLimit(SenderQueueLimit);
    const qint64 before = statusKiB("VmRSS");
    SendTally tally;
    tally.begin();
    xdMessagingBurst(broadcaster, config, tally);
    tally.finish();
    reportLine(QStringLiteral("MEMORY rss_growth_kib=%1 queue_limit_kib=%2")
                       .arg(statusKiB("VmHWM") - before)
                       .arg(SenderQueueLimit / 1024)
                       .toUtf8());
    // Measured: on the way out, wait only briefly for the listener that never reads.
    broadcaster.setSendTimeout(100);
    return 0;
}
