// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QHash>

namespace XDMessagingPrivate {

// Exactly once and loss accounting for one listener. Every publisher (a broadcaster)
// numbers its messages per channel from 1; the tracker keeps, per publisher and
// channel, the highest number delivered. A message at or below it is a copy that came
// late or by another transport and is dropped; a jump above it is a loss.
//
// A publisher first heard of starts the count: what it sent before was not due here.
// State is bounded: beyond MaximumTracked publisher and channel pairs, the half heard
// of least recently is forgotten (publishers end with their broadcaster and are never
// said goodbye to). A forgotten publisher heard of again starts afresh.
class SequenceTracker
{
public:
    static constexpr qsizetype MaximumTracked = 4096;

    struct Verdict
    {
        bool deliver = false; // new: deliver it; else a copy of one already delivered
        quint64 missed = 0; // numbers skipped just before this one
        quint64 lastDelivered = 0; // the number delivered before, when missed > 0
    };
    Verdict record(quint64 publisher, const QByteArray &channelUtf8, quint64 sequence);
    // Whether a message with this number was delivered (or passed) already; records nothing.
    bool hasDelivered(quint64 publisher, const QByteArray &channelUtf8, quint64 sequence);
    // A channel unregistered or registered again starts afresh: what was sent while it
    // was not registered is no loss.
    void forgetChannel(const QByteArray &channelUtf8);

private:
    struct Key
    {
        quint64 publisher = 0;
        QByteArray channel;
        friend bool operator==(const Key &a, const Key &b)
        {
            return a.publisher == b.publisher && a.channel == b.channel;
        }
        friend size_t qHash(const Key &key, size_t seed = 0) { return qHashMulti(seed, key.publisher, key.channel); }
    };
    struct Entry
    {
        quint64 lastDelivered = 0;
        quint64 lastHeard = 0; // m_clock when last heard of
    };
    Entry *find(quint64 publisher, const QByteArray &channelUtf8);
    void forgetLeastRecentHalf();

    QHash<Key, Entry> m_entries;
    quint64 m_clock = 0;
    // The pair of the previous message: a stream of one publisher costs no hashing.
    Key m_lastKey;
    Entry *m_lastEntry = nullptr; // into m_entries; reset whenever m_entries changes shape
};

} // namespace XDMessagingPrivate
