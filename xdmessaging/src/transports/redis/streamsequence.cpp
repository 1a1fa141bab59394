// SPDX-License-Identifier: MIT
#include "transports/redis/streamsequence_p.h"

#include <algorithm>

namespace XDMessagingPrivate {

namespace {

constexpr int PublisherHexDigits = 16;

bool isDecimal(const QByteArray &digits)
{
    if (digits.isEmpty() || digits.size() > 20 || digits.front() == '0')
        return false;
    return std::all_of(digits.cbegin(), digits.cend(), [](char c) { return c >= '0' && c <= '9'; });
}

bool isLowerHex(const QByteArray &digits)
{
    return std::all_of(digits.cbegin(), digits.cend(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

} // namespace

QByteArray formatStreamSequence(quint64 publisher, quint64 number)
{
    QByteArray value = QByteArray::number(publisher, 16).rightJustified(PublisherHexDigits, '0');
    value += ':';
    value += QByteArray::number(number);
    return value;
}

bool parseStreamSequence(const QByteArray &value, quint64 *publisher, quint64 *number)
{
    if (value.size() <= PublisherHexDigits || value.at(PublisherHexDigits) != ':')
        return false;
    const QByteArray hex = value.left(PublisherHexDigits);
    const QByteArray digits = value.mid(PublisherHexDigits + 1);
    if (!isLowerHex(hex) || !isDecimal(digits))
        return false;
    bool hexOk = false;
    bool decimalOk = false;
    *publisher = hex.toULongLong(&hexOk, 16);
    *number = digits.toULongLong(&decimalOk);
    return hexOk && decimalOk;
}

} // namespace XDMessagingPrivate
