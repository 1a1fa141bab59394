// SPDX-License-Identifier: MIT
#include "core/wallclock_p.h"

namespace XDMessagingPrivate {

namespace {

using namespace std::chrono;

// The system clock minus the steady clock. Read between two steady readings, and again
// when something came between them (a thread preempted there would carry its wait into
// every timestamp for 100 ms): the closest of a few tries counts, from their midpoint.
nanoseconds readClockOffset(steady_clock::time_point *readAt)
{
    constexpr int Tries = 4;
    constexpr auto CloseEnough = microseconds(50);
    nanoseconds best {0};
    nanoseconds bestGap = nanoseconds::max();
    for (int i = 0; i < Tries && bestGap > CloseEnough; ++i) {
        const steady_clock::time_point first = steady_clock::now();
        const system_clock::time_point system = system_clock::now();
        const steady_clock::time_point last = steady_clock::now();
        if (last - first >= bestGap)
            continue;
        bestGap = last - first;
        const nanoseconds middle = duration_cast<nanoseconds>(first.time_since_epoch()) + bestGap / 2;
        best = duration_cast<nanoseconds>(system.time_since_epoch()) - middle;
        *readAt = last;
    }
    return best;
}

} // namespace

qint64 wallClockMs(steady_clock::time_point now)
{
    constexpr auto OffsetLifetime = milliseconds(100);
    thread_local bool offsetRead = false;
    thread_local steady_clock::time_point offsetReadAt;
    thread_local nanoseconds offset {0};
    if (!offsetRead || now - offsetReadAt > OffsetLifetime) {
        offset = readClockOffset(&offsetReadAt);
        offsetRead = true;
    }
    const nanoseconds wall = duration_cast<nanoseconds>(now.time_since_epoch()) + offset;
    // Rounded down, as QDateTime::currentMSecsSinceEpoch() does after the epoch.
    return qint64(duration_cast<milliseconds>(wall).count());
}

} // namespace XDMessagingPrivate
