// SPDX-License-Identifier: MIT
#pragma once

// Names of the Redis keys the network transport uses: one stream per channel,
// "<namespace>:channel:<channel>". Channel names are binary-safe in Redis keys.

#include <QtCore/QByteArray>

namespace XDMessagingPrivate {

// The one field of a stream entry: a whole encoded frame, as on every other transport.
inline const QByteArray &streamFrameField()
{
    static const QByteArray field = QByteArrayLiteral("frame");
    return field;
}

inline QByteArray channelStreamKey(const QByteArray &namespacePrefix, const QByteArray &channelUtf8)
{
    return namespacePrefix + ":channel:" + channelUtf8;
}

// Streams are capped near this many entries (XADD MAXLEN ~): a listener disconnected
// for longer than the channel takes to see this many messages misses the oldest.
constexpr int StreamLengthBound = 10000;

} // namespace XDMessagingPrivate
