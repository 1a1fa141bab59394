// SPDX-License-Identifier: MIT
#include "core/messageid_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QtEndian>

#include <algorithm>
#include <atomic>
#include <cstring>

namespace XDMessagingPrivate {

namespace {

struct IdPrefix
{
    quint64 random[1];
    IdPrefix() { QRandomGenerator::system()->fillRange(random); }
};

const IdPrefix &idPrefix()
{
    static const IdPrefix prefix;
    return prefix;
}

} // namespace

MessageId nextMessageId()
{
    const IdPrefix &prefix = idPrefix();
    static std::atomic<quint64> counter {0};
    MessageId id;
    std::memcpy(id.data(), prefix.random, 8);
    qToBigEndian(counter.fetch_add(1, std::memory_order_relaxed) + 1, id.data() + 8);
    return id;
}

quint64 nextPublisherId()
{
    static std::atomic<quint64> counter {0};
    // Multiplying by an odd constant is a bijection: distinct counters, distinct ids.
    for (;;) {
        const quint64 id =
                idPrefix().random[0] ^ ((counter.fetch_add(1, std::memory_order_relaxed) + 1) * 0x9E3779B97F4A7C15ULL);
        if (id != 0)
            return id;
    }
}

QUuid messageIdToUuid(const MessageId &id)
{
    return QUuid::fromRfc4122(QByteArrayView(id.data(), qsizetype(id.size())));
}

MessageId uuidToMessageId(const QUuid &uuid)
{
    MessageId id;
    const QByteArray bytes = uuid.toRfc4122();
    std::copy(bytes.cbegin(), bytes.cend(), id.begin());
    return id;
}

} // namespace XDMessagingPrivate
