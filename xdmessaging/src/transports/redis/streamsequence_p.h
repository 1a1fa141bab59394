// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QHash>

namespace XDMessagingPrivate {

// "<publisher>:<n>": publisher is 1 to 32 lower-case hex digits drawn once per sending
// process, n counts that process's messages on one stream from 1.
QByteArray formatStreamSequence(const QByteArray &publisher, quint64 number);
// False for anything else: the value comes from Redis, which anyone may write to.
bool parseStreamSequence(const QByteArray &value, QByteArray *publisher, quint64 *number);
// A new publisher id for this process.
QByteArray newStreamPublisher();

// What one listener saw of one stream: the last number of each publisher. A stream
// trimmed (XADD MAXLEN) before the listener read it shows as a jump in a publisher's
// numbers. A number at or below the last one is a replay after a Redis restart, not a
// gap. A publisher first seen starts the count: what it sent before this listener
// joined was never due here.
class StreamSequenceTracker
{
public:
    // Records a message; returns how many of this publisher's messages were skipped.
    quint64 record(const QByteArray &publisher, quint64 number);

private:
    // Beyond this many publishers (sending processes come and go) the oldest knowledge
    // is dropped: a gap right after that goes unnoticed, nothing else.
    static constexpr int MaximumPublishers = 4096;
    QHash<QByteArray, quint64> m_lastByPublisher;
};

} // namespace XDMessagingPrivate
