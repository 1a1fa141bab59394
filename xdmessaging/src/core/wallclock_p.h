// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QtGlobal>

#include <chrono>

namespace XDMessagingPrivate {

// The wall-clock time, in milliseconds since the epoch (UTC), at steady-clock time now:
// the steady time plus the offset between the two clocks, which each thread reads again
// every 100 ms. A send then reads one clock, not two (a read is some 20 ns, a tenth of a
// 64-byte send), and a change of the system clock shows within 100 ms.
qint64 wallClockMs(std::chrono::steady_clock::time_point now);

} // namespace XDMessagingPrivate
