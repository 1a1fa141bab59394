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

// The latest a send may wait for its listeners: its timeout, counted from the first time
// one of its deliveries has to wait. Nearly every send waits for nothing, and a clock
// read for a deadline nobody looks at is tens of nanoseconds on every one of them; the
// work before the first wait (copying into queues) never blocks.
class SendDeadline
{
public:
    explicit SendDeadline(qint64 timeoutMs = 0) : m_timeoutMs(timeoutMs) {}
    QDeadlineTimer timer() const
    {
        if (!m_started) {
            m_timer = QDeadlineTimer(m_timeoutMs);
            m_started = true;
        }
        return m_timer;
    }

private:
    qint64 m_timeoutMs;
    mutable QDeadlineTimer m_timer;
    mutable bool m_started = false;
};

// A send's wait: the deadline starts only when the predicate does not already hold.
template<typename Predicate>
bool waitUntil(std::condition_variable &condition, std::unique_lock<std::mutex> &lock, const SendDeadline &deadline,
               Predicate predicate)
{
    return predicate() || waitUntil(condition, lock, deadline.timer(), predicate);
}

} // namespace XDMessagingPrivate
