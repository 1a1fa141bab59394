// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QDeadlineTimer>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace XDMessagingPrivate {

// Waits on condition until predicate holds or deadline passes; false on timeout.
// Senders of every transport wait this way for room in a queue or for a flush.
template<typename Predicate>
bool waitUntil(std::condition_variable &condition, std::unique_lock<std::mutex> &lock, QDeadlineTimer deadline,
               Predicate predicate)
{
    if (deadline.isForever()) {
        condition.wait(lock, predicate);
        return true;
    }
    const auto end = std::chrono::steady_clock::now() + std::chrono::nanoseconds(deadline.remainingTimeNSecs());
    return condition.wait_until(lock, end, predicate);
}

// When a send started, and so the latest it may wait for its listeners: its timeout
// from then. The clock is read once, when first asked: a send to many listeners of a
// transport that needs the time reads it once, not per listener, and a send that
// neither waits nor needs the time (nearly every one) never reads it, which is tens of
// nanoseconds per send.
class SendTiming
{
public:
    explicit SendTiming(qint64 timeoutMs = 0) : m_timeoutMs(timeoutMs) {}
    std::chrono::steady_clock::time_point start() const
    {
        if (!m_started) {
            m_start = std::chrono::steady_clock::now();
            m_started = true;
        }
        return m_start;
    }
    QDeadlineTimer deadline() const
    {
        if (m_timeoutMs < 0)
            return QDeadlineTimer(QDeadlineTimer::Forever);
        return QDeadlineTimer(start() + std::chrono::milliseconds(m_timeoutMs));
    }

private:
    qint64 m_timeoutMs;
    mutable std::chrono::steady_clock::time_point m_start;
    mutable bool m_started = false;
};

// A send's wait: the clock is read only when the predicate does not already hold.
template<typename Predicate>
bool waitUntil(std::condition_variable &condition, std::unique_lock<std::mutex> &lock, const SendTiming &timing,
               Predicate predicate)
{
    return predicate() || waitUntil(condition, lock, timing.deadline(), predicate);
}

} // namespace XDMessagingPrivate
