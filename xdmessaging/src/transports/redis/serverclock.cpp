// SPDX-License-Identifier: MIT
#include "transports/redis/serverclock_p.h"

#include "transports/redis/redisreply_p.h"

#include <QtCore/QtGlobal>

#include <chrono>
#include <limits>

namespace XDMessagingPrivate {

qint64 ServerClockBound::localMicroseconds()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

ServerClockBound::ServerClockBound(qint64 serverMicroseconds, qint64 answeredMicroseconds)
    : m_leadMicroseconds(serverMicroseconds - (answeredMicroseconds + 1))
{}

QByteArray ServerClockBound::streamIdBefore(qint64 nowMicroseconds) const
{
    // Redis numbers an entry by its clock's millisecond (or the last entry's, if later).
    const qint64 earliestMs = (nowMicroseconds + m_leadMicroseconds) / 1000;
    if (earliestMs <= 0)
        return streamStartId();
    return formatStreamId(quint64(earliestMs - 1), std::numeric_limits<quint64>::max());
}

} // namespace XDMessagingPrivate
