// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

#include <QtCore/QSet>

#include <vector>

namespace XDMessagingPrivate {

// Remembers the ids of the last Capacity messages a listener delivered, so that a
// message reaching it over two transports is delivered once. Senders never send one
// message twice to the same listener; this guards the listener against any path that
// would (a sender on one transport and a relay on another, a network propagation).
class DuplicateFilter
{
public:
    static constexpr size_t Capacity = 8192;

    // True the first time an id is seen (within the window), false for a repeat.
    bool isNew(const MessageId &id);

private:
    QSet<QByteArray> m_seen;
    std::vector<QByteArray> m_order = std::vector<QByteArray>(Capacity);
    size_t m_next = 0;
};

} // namespace XDMessagingPrivate
