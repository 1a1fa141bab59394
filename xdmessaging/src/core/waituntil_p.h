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

} // namespace XDMessagingPrivate
