// SPDX-License-Identifier: MIT
#include "benchmessage.h"

#include <algorithm>
#include <cstdio>
#include <ctime>

qint64 monotonicNs()
{
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

QByteArray makeBenchMessage(int size)
{
    QByteArray message(qMax(size, BenchHeaderSize), 'x');
    writeBenchHeader(message.data(), BenchHeader());
    return message;
}

ReceiveTally::ReceiveTally(int senders, qint64 countPerSender)
    : m_seen(size_t(senders), std::vector<bool>(size_t(countPerSender), false)),
      m_expected(qint64(senders) * countPerSender)
{}

bool ReceiveTally::record(const char *message, qsizetype size, BenchHeader *headerOut)
{
    m_lastReceivedNs = monotonicNs();
    ++m_received;
    if (size < BenchHeaderSize) {
        ++m_malformed;
        return false;
    }
    const BenchHeader header = readBenchHeader(message);
    if (header.senderId >= m_seen.size() || header.sequence >= m_seen[header.senderId].size()) {
        ++m_malformed;
        return false;
    }
    if (m_firstSentNs == 0 || header.sentNs < m_firstSentNs)
        m_firstSentNs = header.sentNs;
    std::vector<bool>::reference seen = m_seen[header.senderId][header.sequence];
    if (seen) {
        ++m_duplicated;
    } else {
        seen = true;
        ++m_unique;
    }
    if (headerOut)
        *headerOut = header;
    return true;
}

QByteArray ReceiveTally::resultLine() const
{
    return QStringLiteral("RESULT received=%1 duplicated=%2 lost=%3 reported_lost=%4 malformed=%5 first_sent_ns=%6 "
                          "last_received_ns=%7")
            .arg(m_unique)
            .arg(m_duplicated)
            .arg(m_expected - m_unique)
            .arg(m_reportedLost)
            .arg(m_malformed)
            .arg(m_firstSentNs)
            .arg(m_lastReceivedNs)
            .toUtf8();
}

namespace {

// Reads stdin up to a line that is word, or its end (the driver is gone).
void awaitDriver(const char *word)
{
    char line[64];
    while (std::fgets(line, sizeof(line), stdin)) {
        if (QByteArray(line).trimmed() == word)
            return;
    }
}

} // namespace

void SendTally::begin()
{
    reportLine("CONNECTED");
    awaitDriver("GO");
    m_startNs = monotonicNs();
}

void SendTally::finish()
{
    qint64 p50 = -1;
    qint64 p99 = -1;
    if (!m_roundTripsNs.empty()) {
        std::sort(m_roundTripsNs.begin(), m_roundTripsNs.end());
        // One way is half a round trip.
        p50 = m_roundTripsNs[m_roundTripsNs.size() / 2] / 2;
        p99 = m_roundTripsNs[std::min(m_roundTripsNs.size() - 1, m_roundTripsNs.size() * 99 / 100)] / 2;
    }
    reportLine(QStringLiteral("RESULT sent=%1 failed=%2 start_ns=%3 end_ns=%4 max_hold_ns=%5 p50_ns=%6 p99_ns=%7")
                       .arg(m_sent)
                       .arg(m_failed)
                       .arg(m_startNs)
                       .arg(monotonicNs())
                       .arg(m_maxHoldNs)
                       .arg(p50)
                       .arg(p99)
                       .toUtf8());
    awaitDriver("EXIT");
}

void reportLine(const QByteArray &line)
{
    std::fwrite(line.constData(), 1, size_t(line.size()), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

int reportUnsupported(const QString &reason)
{
    reportLine("UNSUPPORTED " + reason.toUtf8());
    return 3;
}
