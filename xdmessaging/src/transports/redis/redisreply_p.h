// SPDX-License-Identifier: MIT
#pragma once

// Careful readers of hiredis replies. Replies come from a server anyone with its
// password can write to, so no shape is taken for granted.

#include <QtCore/QByteArray>
#include <QtCore/QString>

struct redisReply;

namespace XDMessagingPrivate {

// The error text of an error reply; empty for any other reply.
QString replyError(const redisReply *reply);
// The bytes of a string or status reply; a null QByteArray for anything else.
QByteArray replyBytes(const redisReply *reply);
// Element index of an array reply, or nullptr when reply is no array or too short.
const redisReply *replyElement(const redisReply *reply, size_t index);
size_t replyElementCount(const redisReply *reply);
bool replyIsNil(const redisReply *reply);

// The run_id line of an INFO reply: it changes whenever the Redis server restarts.
QByteArray runIdFromInfo(const QByteArray &info);

// Stream entry ids "<ms>-<seq>" compare as two numbers; false when id is malformed.
bool parseStreamId(const QByteArray &id, quint64 *milliseconds, quint64 *sequence);
bool streamIdLess(const QByteArray &left, const QByteArray &right);
QByteArray formatStreamId(quint64 milliseconds, quint64 sequence);
// "0-0", below every entry: a read from it gets the whole stream.
QByteArray streamStartId();

} // namespace XDMessagingPrivate
