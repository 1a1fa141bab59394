// SPDX-License-Identifier: MIT
#pragma once

// The latency scenarios' loop, the same for every system: warm-up rounds, then timed
// round trips; one way is half of one. A system supplies the round trip itself.

#include "benchmessage.h"
#include "peerconfig.h"

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

#include <functional>

// Sends message and waits for its echo; false with *error when none came.
using RoundTrip = std::function<bool(const QByteArray &message, QString *error)>;

// Runs config.warmup + config.count round trips, stamping each message's header (with
// replyTo, for systems that need to know where to echo), and reports through tally.
int runPingPong(const PeerConfig &config, SendTally &tally, const RoundTrip &roundTrip, quint32 replyTo = 0);

// The same round trips for a system that delivers through Qt's event loop, driven the
// way an event-driven Qt program answers: one loop runs them all, and the next message
// goes out from the slot that took the echo. Waiting for each echo in a QEventLoop of its
// own would count that loop's quit() (an eventfd write, a poll and a read) and re-entry
// into every round trip, and send the next message only after the slot's caller is done.
class QtPingPong
{
public:
    // Sends message; false with *error when it could not be sent.
    using Send = std::function<bool(const QByteArray &message, QString *error)>;

    QtPingPong(const PeerConfig &config, SendTally &tally, Send send);
    QtPingPong(const QtPingPong &) = delete;
    QtPingPong &operator=(const QtPingPong &) = delete;

    // Called from the system's slot when an echo arrived: records it, sends the next.
    void echoArrived();
    // Called by the system when it cannot go on (a peer that left, say).
    void fail(const QString &error);
    // Runs every round trip; as runPingPong().
    int exec();

private:
    void sendNext();
    void checkProgress();

    const PeerConfig &m_config;
    SendTally &m_tally;
    const Send m_send;
    QByteArray m_message;
    qint64 m_index = 0; // of the round trip under way
    qint64 m_sentNs = 0;
    qint64 m_indexAtLastCheck = -1;
    QString m_error;
    QEventLoop m_loop;
    QTimer m_watchdog; // an echo that never comes ends the run, not the benchmark
};
