// SPDX-License-Identifier: MIT
#include "pingpong.h"

int runPingPong(const PeerConfig &config, SendTally &tally, const RoundTrip &roundTrip, quint32 replyTo)
{
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.messagesPerSender(); ++i) {
        const qint64 sentNs = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), sentNs, quint32(config.senderId), replyTo});
        QString error;
        if (!roundTrip(message, &error))
            return reportUnsupported(QStringLiteral("round trip %1 failed: %2").arg(i).arg(error));
        if (i >= config.warmup) {
            tally.roundTrip(monotonicNs() - sentNs);
            tally.sent();
        }
    }
    tally.finish();
    return 0;
}
