// SPDX-License-Identifier: MIT
#include "pingpong.h"

namespace {

constexpr int EchoTimeoutMs = 10000;

QString roundTripFailed(qint64 index, const QString &error)
{
    return QStringLiteral("round trip %1 failed: %2").arg(index).arg(error);
}

// Stamps message as round trip index, sent now; returns that time.
qint64 stamp(QByteArray &message, const PeerConfig &config, qint64 index, quint32 replyTo)
{
    const qint64 sentNs = monotonicNs();
    writeBenchHeader(message.data(), {quint64(index), sentNs, quint32(config.senderId), replyTo});
    return sentNs;
}

// Counts the round trip index, sent at sentNs, that ended now; warm-up rounds are not counted.
void record(const PeerConfig &config, SendTally &tally, qint64 index, qint64 sentNs)
{
    if (index < config.warmup)
        return;
    tally.roundTrip(monotonicNs() - sentNs);
    tally.sent();
}

} // namespace

int runPingPong(const PeerConfig &config, SendTally &tally, const RoundTrip &roundTrip, quint32 replyTo)
{
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.messagesPerSender(); ++i) {
        const qint64 sentNs = stamp(message, config, i, replyTo);
        QString error;
        if (!roundTrip(message, &error))
            return reportUnsupported(roundTripFailed(i, error));
        record(config, tally, i, sentNs);
    }
    tally.finish();
    return 0;
}

QtPingPong::QtPingPong(const PeerConfig &config, SendTally &tally, Send send)
    : m_config(config), m_tally(tally), m_send(std::move(send)), m_message(makeBenchMessage(config.size))
{
    // One timer for the whole run: starting one per round trip would be a cost of its own.
    QObject::connect(&m_watchdog, &QTimer::timeout, &m_loop, [this] { checkProgress(); });
}

void QtPingPong::echoArrived()
{
    if (m_index >= m_config.messagesPerSender() || !m_error.isEmpty())
        return; // an echo after the last, or after a failure: nothing is waiting for it
    record(m_config, m_tally, m_index, m_sentNs);
    ++m_index;
    if (m_index == m_config.messagesPerSender())
        m_loop.quit();
    else
        sendNext();
}

void QtPingPong::fail(const QString &error)
{
    // After the last echo, a receiver that has all it expected may leave at once.
    if (!m_error.isEmpty() || m_index >= m_config.messagesPerSender())
        return;
    m_error = roundTripFailed(m_index, error);
    m_loop.quit();
}

int QtPingPong::exec()
{
    if (m_config.messagesPerSender() > 0) {
        m_watchdog.start(EchoTimeoutMs);
        sendNext();
        if (m_error.isEmpty())
            m_loop.exec();
    }
    if (!m_error.isEmpty())
        return reportUnsupported(m_error);
    m_tally.finish();
    return 0;
}

void QtPingPong::sendNext()
{
    m_sentNs = stamp(m_message, m_config, m_index, 0);
    QString error;
    if (!m_send(m_message, &error))
        fail(error);
}

// Every EchoTimeoutMs: a run that made no round trip since the last look has lost an echo.
void QtPingPong::checkProgress()
{
    if (m_index == m_indexAtLastCheck)
        fail(QStringLiteral("no echo within %1 s").arg(EchoTimeoutMs / 1000));
    m_indexAtLastCheck = m_index;
}
