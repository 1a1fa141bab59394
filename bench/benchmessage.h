// SPDX-License-Identifier: MIT
#pragma once

// What every benchmark message carries, whatever the system: who sent it, its number and
// when it left. Receivers count from it (lost, duplicated, when the first was sent), and
// ping-pong senders time the echo with it. The clock is CLOCK_MONOTONIC, which all
// processes of the machine share.

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <cstring>
#include <vector>

constexpr int BenchHeaderSize = 24;

struct BenchHeader
{
    quint64 sequence = 0;
    qint64 sentNs = 0;
    quint32 senderId = 0;
    quint32 replyTo = 0; // the sender's X window, for raw-xcb-property echoes
};

qint64 monotonicNs();

inline void writeBenchHeader(char *message, const BenchHeader &header)
{
    std::memcpy(message, &header, BenchHeaderSize);
}

inline BenchHeader readBenchHeader(const char *message)
{
    BenchHeader header;
    std::memcpy(&header, message, BenchHeaderSize);
    return header;
}

// A message of size bytes: a header, then filler.
QByteArray makeBenchMessage(int size);

// Counts what one receiver got from senders x count messages.
class ReceiveTally
{
public:
    ReceiveTally(int senders, qint64 countPerSender);

    // Returns the header of the message, or nothing when it is too short to be ours.
    bool record(const char *message, qsizetype size, BenchHeader *header = nullptr);
    bool complete() const { return m_unique == m_expected; }
    qint64 received() const { return m_received; }
    // The library said this many messages were lost (XDListener::messagesLost).
    void lossReported(qint64 count) { m_reportedLost += count; }
    // "RESULT received=... duplicated=... lost=... reported_lost=... first_sent_ns=...
    // last_received_ns=..."
    QByteArray resultLine() const;

private:
    std::vector<std::vector<bool>> m_seen;
    qint64 m_expected;
    qint64 m_received = 0;
    qint64 m_unique = 0;
    qint64 m_duplicated = 0;
    qint64 m_malformed = 0;
    qint64 m_reportedLost = 0;
    qint64 m_firstSentNs = 0;
    qint64 m_lastReceivedNs = 0;
};

// Times one sender: how long each send call held it, and ping-pong round trips.
class SendTally
{
public:
    // Tells the driver this sender is connected ("CONNECTED"), waits for its "GO" on
    // stdin, and starts the clock: the driver may stop a receiver in between.
    void begin();
    void sendTook(qint64 ns) { m_maxHoldNs = qMax(m_maxHoldNs, ns); }
    void sendFailed(qint64 messages = 1) { m_failed += messages; }
    void sent(qint64 messages = 1) { m_sent += messages; }
    void roundTrip(qint64 ns) { m_roundTripsNs.push_back(ns); }
    // Prints "RESULT sent=... failed=... start_ns=... end_ns=... max_hold_ns=... p50_ns=...
    // p99_ns=..." and waits for the driver's "EXIT": a sender that still holds messages
    // for a stopped receiver keeps them until the driver has resumed it.
    void finish();

private:
    qint64 m_startNs = 0;
    qint64 m_maxHoldNs = 0;
    qint64 m_sent = 0;
    qint64 m_failed = 0;
    std::vector<qint64> m_roundTripsNs;
};

// Prints a line on stdout for the driver and flushes it.
void reportLine(const QByteArray &line);
// A peer that cannot run this case: "UNSUPPORTED <reason>", exit code 3.
int reportUnsupported(const QString &reason);
