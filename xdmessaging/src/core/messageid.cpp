// SPDX-License-Identifier: MIT
#include "core/messageid_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QtEndian>

#include <atomic>
#include <cstring>

namespace XDMessagingPrivate {

namespace {

struct IdPrefix
{
    quint64 random[1];
    IdPrefix() { QRandomGenerator::system()->fillRange(random); }
};

} // namespace

MessageId nextMessageId()
{
    static const IdPrefix prefix;
    static std::atomic<quint64> counter {0};
    MessageId id;
    std::memcpy(id.data(), prefix.random, 8);
    qToBigEndian(counter.fetch_add(1, std::memory_order_relaxed) + 1, id.data() + 8);
    return id;
}

} // namespace XDMessagingPrivate
