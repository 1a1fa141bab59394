// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QDeadlineTimer>

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace XDMessagingPrivate {

// Takes lock, trying for a moment before going to sleep on it. A sender's caller and its
// I/O thread each hold their lock for a microsecond or so, many times a millisecond: a
// thread that sleeps on it at once pays two futex calls and two context switches, many
// times what the wait would have cost.
inline void lockSoon(std::unique_lock<std::mutex> &lock)
{
    constexpr int Tries = 64;
    for (int i = 0; i < Tries; ++i) {
        if (lock.try_lock())
            return;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
    }
    lock.lock();
}

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
// from then. The clock is read once, when first asked, not per listener: the
// broadcaster asks first, for the frame's timestamp (see wallClockMs()), before any
// transport takes its lock, so nobody reads a clock while holding one.
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
