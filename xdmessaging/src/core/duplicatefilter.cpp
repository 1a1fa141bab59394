// SPDX-License-Identifier: MIT
#include "core/duplicatefilter_p.h"

namespace XDMessagingPrivate {

bool DuplicateFilter::isNew(const MessageId &id)
{
    const QByteArray key(id.data(), qsizetype(id.size()));
    if (m_seen.contains(key))
        return false;
    QByteArray &oldest = m_order[m_next];
    if (!oldest.isNull())
        m_seen.remove(oldest);
    oldest = key;
    m_seen.insert(key);
    m_next = (m_next + 1) % Capacity;
    return true;
}

} // namespace XDMessagingPrivate
