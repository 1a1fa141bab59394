// SPDX-License-Identifier: MIT
#include "transports/redis/redisreply_p.h"

#include <QtCore/QList>

#include <hiredis/hiredis.h>

namespace XDMessagingPrivate {

QString replyError(const redisReply *reply)
{
    if (!reply || reply->type != REDIS_REPLY_ERROR)
        return {};
    return QString::fromUtf8(reply->str, qsizetype(reply->len));
}

QByteArray replyBytes(const redisReply *reply)
{
    if (!reply || (reply->type != REDIS_REPLY_STRING && reply->type != REDIS_REPLY_STATUS))
        return {};
    return QByteArray(reply->str, qsizetype(reply->len));
}

size_t replyElementCount(const redisReply *reply)
{
    return reply && reply->type == REDIS_REPLY_ARRAY ? reply->elements : 0;
}

const redisReply *replyElement(const redisReply *reply, size_t index)
{
    return index < replyElementCount(reply) ? reply->element[index] : nullptr;
}

bool replyIsNil(const redisReply *reply)
{
    return reply && reply->type == REDIS_REPLY_NIL;
}

QByteArray runIdFromInfo(const QByteArray &info)
{
    const QList<QByteArray> lines = info.split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("run_id:"))
            return line.mid(7).trimmed();
    }
    return {};
}

bool parseStreamId(const QByteArray &id, quint64 *milliseconds, quint64 *sequence)
{
    const qsizetype dash = id.indexOf('-');
    if (dash <= 0)
        return false;
    bool millisecondsOk = false;
    bool sequenceOk = false;
    *milliseconds = id.left(dash).toULongLong(&millisecondsOk);
    *sequence = id.mid(dash + 1).toULongLong(&sequenceOk);
    return millisecondsOk && sequenceOk;
}

bool streamIdLess(const QByteArray &left, const QByteArray &right)
{
    quint64 leftMs = 0, leftSeq = 0, rightMs = 0, rightSeq = 0;
    if (!parseStreamId(left, &leftMs, &leftSeq) || !parseStreamId(right, &rightMs, &rightSeq))
        return false;
    return leftMs < rightMs || (leftMs == rightMs && leftSeq < rightSeq);
}

QByteArray formatStreamId(quint64 milliseconds, quint64 sequence)
{
    QByteArray id = QByteArray::number(milliseconds);
    return id.append('-').append(QByteArray::number(sequence));
}

QByteArray streamStartId()
{
    return QByteArrayLiteral("0-0");
}

} // namespace XDMessagingPrivate
