// SPDX-License-Identifier: MIT
#pragma once

// When a receiver stops waiting: once every message is in, or when none arrived for
// idleMs after the first one (something was lost), or when the first one never came.

#include "benchmessage.h"
#include "peerconfig.h"

class ReceiveClock
{
public:
    explicit ReceiveClock(const PeerConfig &config);
    void messageArrived() { m_lastNs = monotonicNs(); }
    // How long a receiver may still wait for the next message, in ms; 0: stop now.
    int remainingMs() const;
    // When to look again: messages arriving meanwhile move the end closer than the
    // first message's timeout.
    int nextCheckMs() const { return int(qMin<qint64>(remainingMs(), m_idleNs / 1000000)); }

private:
    qint64 m_startNs;
    qint64 m_lastNs = 0;
    qint64 m_idleNs;
};

class ReceiveTally;

// Runs a Qt receiver's event loop until the tally is complete or the clock runs out,
// then prints the tally. Message handlers call messageArrived() after recording.
class QtReceiveLoop
{
public:
    QtReceiveLoop(const PeerConfig &config, ReceiveTally &tally);
    void messageArrived();
    int exec();

private:
    ReceiveClock m_clock;
    ReceiveTally &m_tally;
};
