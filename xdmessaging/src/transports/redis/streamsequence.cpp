// SPDX-License-Identifier: MIT
#include "transports/redis/streamsequence_p.h"

#include <QtCore/QRandomGenerator>

namespace XDMessagingPrivate {

namespace {

constexpr int PublisherHexDigits = 16;
constexpr int MaximumPublisherHexDigits = 32;

bool isLowerHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

} // namespace

QByteArray formatStreamSequence(const QByteArray &publisher, quint64 number)
{
    return publisher + ':' + QByteArray::number(number);
}

bool parseStreamSequence(const QByteArray &value, QByteArray *publisher, quint64 *number)
{
    const qsizetype colon = value.indexOf(':');
    if (colon < 1 || colon > MaximumPublisherHexDigits)
        return false;
    for (qsizetype i = 0; i < colon; ++i) {
        if (!isLowerHex(value.at(i)))
            return false;
    }
    const QByteArray digits = value.mid(colon + 1);
    if (digits.isEmpty() || digits.size() > 20 || digits.front() == '0')
        return false;
    for (const char c : digits) {
        if (c < '0' || c > '9')
            return false;
    }
    bool ok = false;
    *number = digits.toULongLong(&ok);
    *publisher = value.left(colon);
    return ok;
}

QByteArray newStreamPublisher()
{
    const quint64 random = QRandomGenerator::system()->generate64();
    return QByteArray::number(random, 16).rightJustified(PublisherHexDigits, '0');
}

quint64 StreamSequenceTracker::record(const QByteArray &publisher, quint64 number)
{
    const auto found = m_lastByPublisher.find(publisher);
    if (found == m_lastByPublisher.end()) {
        if (m_lastByPublisher.size() >= MaximumPublishers)
            m_lastByPublisher.clear();
        m_lastByPublisher.insert(publisher, number);
        return 0;
    }
    const quint64 last = *found;
    if (number <= last)
        return 0;
    *found = number;
    return number - last - 1;
}

} // namespace XDMessagingPrivate
