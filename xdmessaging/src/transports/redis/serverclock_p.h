// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace XDMessagingPrivate {

// What a listener knows of the Redis server's clock from one TIME: the least the
// server's clock can be ahead of the local one. A channel registered later starts its
// reading from there, so that nothing the server adds after registerChannel() returned
// is skipped, without a round trip in registerChannel().
class ServerClockBound
{
public:
    // The local monotonic clock, in microseconds: only the time between two of its
    // readings counts, so a step of the local wall clock cannot move the bound.
    static qint64 localMicroseconds();

    // serverMicroseconds: TIME's answer (since the epoch); answeredMicroseconds: the
    // local clock once the answer was in. The server read its clock before then:
    // whatever the round trip took, its lead is at least the difference (less a
    // microsecond for the truncation of the local reading).
    ServerClockBound(qint64 serverMicroseconds, qint64 answeredMicroseconds);

    // A stream id below the id of every entry the server adds after the local clock read
    // nowMicroseconds (XREAD returns the entries after the id it is given; the first
    // entry of a millisecond is numbered "<ms>-0").
    QByteArray streamIdBefore(qint64 nowMicroseconds) const;

private:
    qint64 m_leadMicroseconds;
};

} // namespace XDMessagingPrivate
