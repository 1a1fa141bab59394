// SPDX-License-Identifier: MIT
#include "memcpybench.h"

#include "benchmessage.h"

#include <cstring>
#include <vector>

CaseResult runMemcpy(const Scenario &scenario, bool quick)
{
    CaseResult result {scenario.name, QStringLiteral("memcpy"), {}, {}, {}, {}, {}, 0, 0, 0, {}};
    // Far beyond the caches; a smaller ring for --quick, which only checks that it runs.
    const size_t ring = size_t(quick ? 32 : 256) * 1024 * 1024;
    const size_t size = size_t(scenario.size);
    std::vector<char> source(ring, 'x');
    std::vector<char> destination(ring, 'y'); // touched, so page faults stay out of the timing
    const qint64 copies = qint64(4 * ring / size);
    const size_t slotCount = ring / size;
    const qint64 start = monotonicNs();
    for (qint64 i = 0; i < copies; ++i) {
        const size_t at = size_t(i) % slotCount * size;
        std::memcpy(destination.data() + at, source.data() + (slotCount - 1 - size_t(i) % slotCount) * size, size);
    }
    const double seconds = double(monotonicNs() - start) / 1e9;
    // Keep the copies observable.
    result.note = destination.front() == 'x' ? QString() : QStringLiteral("copy check failed");
    result.msgsPerS = double(copies) / seconds;
    result.mibPerS = *result.msgsPerS * double(size) / (1024.0 * 1024.0);
    return result;
}
