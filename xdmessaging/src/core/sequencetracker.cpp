// SPDX-License-Identifier: MIT
#include "core/sequencetracker_p.h"

#include "codec/frame_p.h"

#include <algorithm>
#include <vector>

namespace XDMessagingPrivate {

SequenceTracker::Entry *SequenceTracker::find(quint64 publisher, const QByteArray &channelUtf8)
{
    if (m_lastEntry && m_lastKey.publisher == publisher && sameBytes(m_lastKey.channel, channelUtf8))
        return m_lastEntry;
    const auto found = m_entries.find(Key {publisher, channelUtf8});
    if (found == m_entries.end())
        return nullptr;
    m_lastKey = found.key();
    m_lastEntry = &found.value();
    return m_lastEntry;
}

SequenceTracker::Verdict SequenceTracker::record(quint64 publisher, const QByteArray &channelUtf8, quint64 sequence)
{
    ++m_clock;
    Entry *entry = find(publisher, channelUtf8);
    if (!entry) {
        if (m_entries.size() >= MaximumTracked)
            forgetLeastRecentHalf();
        m_lastEntry = nullptr;
        m_entries.insert(Key {publisher, channelUtf8}, Entry {sequence, m_clock});
        return {true, 0, 0};
    }
    entry->lastHeard = m_clock;
    if (sequence <= entry->lastDelivered)
        return {false, 0, 0};
    const Verdict verdict {true, sequence - entry->lastDelivered - 1, entry->lastDelivered};
    entry->lastDelivered = sequence;
    return verdict;
}

void SequenceTracker::forgetChannel(const QByteArray &channelUtf8)
{
    m_lastEntry = nullptr;
    m_entries.removeIf([&channelUtf8](const auto &entry) { return entry.key().channel == channelUtf8; });
}

void SequenceTracker::forgetLeastRecentHalf()
{
    std::vector<quint64> heard;
    heard.reserve(size_t(m_entries.size()));
    for (const Entry &entry : std::as_const(m_entries))
        heard.push_back(entry.lastHeard);
    const auto middle = heard.begin() + qsizetype(heard.size() / 2);
    std::nth_element(heard.begin(), middle, heard.end());
    const quint64 threshold = *middle;
    m_lastEntry = nullptr;
    m_entries.removeIf([threshold](const auto &entry) { return entry.value().lastHeard < threshold; });
}

bool SequenceTracker::hasDelivered(quint64 publisher, const QByteArray &channelUtf8, quint64 sequence)
{
    const Entry *entry = find(publisher, channelUtf8);
    return entry && sequence <= entry->lastDelivered;
}

} // namespace XDMessagingPrivate
