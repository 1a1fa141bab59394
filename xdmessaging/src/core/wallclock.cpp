// SPDX-License-Identifier: MIT
#include "core/wallclock_p.h"

namespace XDMessagingPrivate {

qint64 wallClockMs(std::chrono::steady_clock::time_point now)
{
    using namespace std::chrono;
    constexpr auto OffsetLifetime = milliseconds(100);
    thread_local bool offsetRead = false;
    thread_local steady_clock::time_point offsetReadAt;
    thread_local nanoseconds offset {0}; // system clock minus steady clock
    if (!offsetRead || now - offsetReadAt > OffsetLifetime) {
        offsetReadAt = steady_clock::now();
        offset = duration_cast<nanoseconds>(system_clock::now().time_since_epoch())
                 - duration_cast<nanoseconds>(offsetReadAt.time_since_epoch());
        offsetRead = true;
    }
    const nanoseconds wall = duration_cast<nanoseconds>(now.time_since_epoch()) + offset;
    // Rounded down, as QDateTime::currentMSecsSinceEpoch() does after the epoch.
    return qint64(duration_cast<milliseconds>(wall).count());
}

} // namespace XDMessagingPrivate
