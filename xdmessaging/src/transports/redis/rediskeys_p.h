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

// A channel's retained value on the network: the whole frame, as a string key of its own
// ("<namespace>:retained:<channel>"); deleted when the value is cleared. It is kept as
// long as Redis keeps its data (a restart keeps it only with persistence, RDB or AOF;
// a sender replaying what a restarted server lost sets it again).
inline QByteArray retainedValueKey(const QByteArray &namespacePrefix, const QByteArray &channelUtf8)
{
    return namespacePrefix + ":retained:" + channelUtf8;
}

// Presence on the network: each listener keeps "<namespace>:listener:<id>" (its manifest)
// alive with a heartbeat, as a key that expires; one that leaves deletes it and leaves
// "<namespace>:left:<id>" for a while, so watchers tell a goodbye from a death (a key
// that expired). Watchers read the keys every PresenceScanMs: a listener killed is
// noticed within PresenceExpiryMs + PresenceScanMs, one that left within PresenceScanMs.
constexpr int PresenceHeartbeatMs = 1000;
constexpr int PresenceExpiryMs = 4000;
constexpr int PresenceScanMs = 1000;
constexpr int PresenceLeftMarkMs = 30000;
inline QByteArray listenerPresenceKey(const QByteArray &namespacePrefix, const QByteArray &idHex)
{
    return namespacePrefix + ":listener:" + idHex;
}
inline QByteArray listenerLeftKey(const QByteArray &namespacePrefix, const QByteArray &idHex)
{
    return namespacePrefix + ":left:" + idHex;
}

// A reply inbox's stream (codec/frame_p.h: reply channels) belongs to one asking process
// and holds only what was sent to it: its listener reads it from the start, however late
// it connected, and the stream expires this long after the last reply (it outlives the
// asker otherwise).
constexpr int ReplyStreamLifetimeSeconds = 3600;
inline bool isReplyStreamKey(const QByteArray &key)
{
    return key.contains(":channel:xdmessaging.reply.");
}

// The optional second field of an entry: "<publisher>:<n>", the n-th message one
// sending process added to this stream. Listeners find trimmed entries by its gaps.
inline const QByteArray &streamSequenceField()
{
    static const QByteArray field = QByteArrayLiteral("sequence");
    return field;
}

// Streams are capped (XADD MAXLEN ~) near this many entries of the size being added, and
// never far above StreamBytesBound: a listener that falls further behind (disconnected,
// or slower than its senders for long) misses the oldest, and reports it
// (XDError::MessagesLost).
constexpr qint64 StreamLengthBound = 100000;
constexpr qint64 StreamBytesBound = 256 * 1024 * 1024;
constexpr qint64 MinimumStreamLength = 100;

inline qint64 streamLengthBound(qint64 frameSize)
{
    return qBound(MinimumStreamLength, StreamBytesBound / qMax<qint64>(1, frameSize), StreamLengthBound);
}

} // namespace XDMessagingPrivate
