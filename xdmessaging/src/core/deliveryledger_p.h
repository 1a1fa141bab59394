// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QHash>

#include <algorithm>
#include <deque>

namespace XDMessagingPrivate {

// What one sender's connection to one listener still answers for: the messages handed
// over (written to its socket, appended to its inbox) that the listener has not yet
// acknowledged, in order, by the broadcaster (sender token) that sent them. When the
// listener dies, exactly these are lost; when it acknowledges, they are delivered.
// Shared by the transports that have a way back from the listener.
class DeliveryLedger
{
public:
    void handedOver(quint64 senderToken);
    // The listener says it has taken total messages of this connection so far. False,
    // with nothing changed, when total is impossible: more than was handed over, or less
    // than it said before.
    bool acknowledge(quint64 total);
    // What the listener never acknowledged, by sender token; the ledger is empty after.
    QHash<quint64, qint64> takeUnacknowledged();
    // Whether any message of senderToken is not acknowledged yet.
    bool holds(quint64 senderToken) const;
    quint64 handedOverCount() const { return m_handedOver; }
    quint64 acknowledgedCount() const { return m_acknowledged; }
    quint64 unacknowledgedCount() const { return m_handedOver - m_acknowledged; }

private:
    struct Run
    {
        quint64 senderToken = 0;
        qint64 count = 0;
    };
    std::deque<Run> m_runs; // consecutive messages of one sender share a run
    quint64 m_handedOver = 0;
    quint64 m_acknowledged = 0;
};

inline void DeliveryLedger::handedOver(quint64 senderToken)
{
    ++m_handedOver;
    if (!m_runs.empty() && m_runs.back().senderToken == senderToken)
        ++m_runs.back().count;
    else
        m_runs.push_back({senderToken, 1});
}

inline bool DeliveryLedger::acknowledge(quint64 total)
{
    if (total > m_handedOver || total < m_acknowledged)
        return false;
    quint64 newly = total - m_acknowledged;
    m_acknowledged = total;
    while (newly > 0) {
        Run &front = m_runs.front();
        const qint64 taken = qint64(qMin<quint64>(newly, quint64(front.count)));
        newly -= quint64(taken);
        front.count -= taken;
        if (front.count == 0)
            m_runs.pop_front();
    }
    return true;
}

inline bool DeliveryLedger::holds(quint64 senderToken) const
{
    return std::any_of(m_runs.cbegin(), m_runs.cend(),
                       [senderToken](const Run &run) { return run.senderToken == senderToken; });
}

inline QHash<quint64, qint64> DeliveryLedger::takeUnacknowledged()
{
    QHash<quint64, qint64> bySender;
    for (const Run &run : m_runs)
        bySender[run.senderToken] += run.count;
    m_runs.clear();
    m_acknowledged = m_handedOver;
    return bySender;
}

} // namespace XDMessagingPrivate
