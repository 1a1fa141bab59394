// SPDX-License-Identifier: MIT
#include "transports/redis/redislistener_p.h"

#include "core/logging_p.h"
#include "core/networksettings_p.h"
#include "transports/redis/redisconnection_p.h"
#include "transports/redis/redispresence_p.h"
#include "transports/redis/rediskeys_p.h"
#include "transports/redis/redisreply_p.h"
#include "transports/redis/streamsequence_p.h"

#include <QtCore/QTimer>

#include <hiredis/hiredis.h>

#include <algorithm>

namespace XDMessagingPrivate {

namespace {

// An idle XREAD returns after this long, so that newly registered channels join the
// read within about as long without a second connection per listener.
constexpr int ReadBlockMs = 1000;
// One read takes about this many bytes: many small entries, so that a listener keeps
// up with several pipelining senders (Redis serves one XREAD per round), or a few large
// ones, so that a reply stays small.
constexpr qint64 BytesPerRead = 4 * 1024 * 1024;
constexpr int MinimumEntriesPerRead = 8;
constexpr int MaximumEntriesPerRead = 4096;
constexpr int FirstEntriesPerRead = 256;
// After a failed read (a key of the wrong type, ...) the next one waits this long.
constexpr int RetryAfterErrorMs = 1000;
// A key found holding something else than a stream is left out of reads this long, then
// tried again (someone may have deleted it).
constexpr int UnreadableKeyRetryMs = 10000;

} // namespace

RedisListener::RedisListener(const ListenerManifest &, FrameSink *sink)
    : m_sink(sink), m_entriesPerRead(FirstEntriesPerRead), m_retryTimer(new QTimer(this)),
      m_unreadableKeyTimer(new QTimer(this))
{
    m_retryTimer->setSingleShot(true);
    m_retryTimer->setInterval(RetryAfterErrorMs);
    connect(m_retryTimer, &QTimer::timeout, this, [this] {
        m_reading = false;
        readNext();
    });
    m_unreadableKeyTimer->setSingleShot(true);
    m_unreadableKeyTimer->setInterval(UnreadableKeyRetryMs);
    connect(m_unreadableKeyTimer, &QTimer::timeout, this, [this] {
        m_unreadableKeys.clear();
        readNext();
    });
}

RedisListener::~RedisListener() = default;

bool RedisListener::start(TransportFailure *failure)
{
    QString problem;
    m_connection = RedisConnection::toConfiguredServer(&problem);
    if (!m_connection) {
        *failure = {XDError::TransportUnavailable, problem};
        return false;
    }
    m_namespacePrefix = m_connection->endpoint().namespacePrefix;
    connect(m_connection.get(), &RedisConnection::ready, this, &RedisListener::connectionReady);
    connect(m_connection.get(), &RedisConnection::lost, this, &RedisListener::connectionLost);
    m_connection->open();
    m_presence = std::make_unique<RedisPresenceAnnouncer>(m_connection->endpoint());
    return true;
}

bool RedisListener::publish(const ListenerManifest &manifest, QString *)
{
    QHash<QByteArray, QByteArray> channelByKey;
    for (const QString &channel : manifest.channels) {
        const QByteArray channelUtf8 = channel.toUtf8();
        channelByKey.insert(channelStreamKey(m_namespacePrefix, channelUtf8), channelUtf8);
    }
    // A channel registered again later starts afresh, like on the local transports.
    const auto unregistered = [&channelByKey](const auto &entry) { return !channelByKey.contains(entry.key()); };
    m_positionByKey.removeIf(unregistered);
    m_generationByKey.removeIf(unregistered);
    // A new channel starts where the server's clock is now: nothing added after this
    // call returns is skipped, even while a read of the other channels is out. Without
    // a connection the first read starts at the newest entry (findStartPositions()).
    for (auto it = channelByKey.cbegin(); it != channelByKey.cend(); ++it) {
        if (m_channelByKey.contains(it.key()))
            continue;
        m_generationByKey.insert(it.key(), ++m_nextGeneration);
        if (!isReplyStreamKey(it.key()))
            m_retainedToFetch.insert(it.value());
        if (isReplyStreamKey(it.key()))
            m_positionByKey.insert(it.key(), streamStartId()); // all of it is for this listener
        else if (m_serverClock && m_connection && m_connection->isReady())
            m_positionByKey.insert(it.key(), m_serverClock->streamIdBefore(ServerClockBound::localMicroseconds()));
    }
    m_channelByKey = channelByKey;
    readNext();
    noteLiveness();
    // A reply inbox (codec/frame_p.h: reply channels only) is nobody's business.
    const bool replyInbox = !manifest.channels.isEmpty()
                            && std::all_of(manifest.channels.cbegin(), manifest.channels.cend(),
                                           [](const QString &channel) { return isReplyChannel(channel.toUtf8()); });
    if (m_presence && !replyInbox) // null before start()
        m_presence->announce(manifest);
    return true;
}

void RedisListener::fetchRetainedValues()
{
    const QSet<QByteArray> channels = std::exchange(m_retainedToFetch, {});
    for (const QByteArray &channel : channels) {
        const bool sent = m_connection->command(
                {QByteArrayLiteral("GET"), retainedValueKey(m_namespacePrefix, channel)},
                [this, channel](const redisReply *reply) { retainedValueFetched(channel, reply); });
        if (!sent)
            m_retainedToFetch.insert(channel);
    }
}

void RedisListener::retainedValueFetched(const QByteArray &channelUtf8, const redisReply *reply)
{
    if (!reply) {
        m_retainedToFetch.insert(channelUtf8); // the connection dropped: again once it is back
        return;
    }
    if (!m_channelByKey.contains(channelStreamKey(m_namespacePrefix, channelUtf8)))
        return; // unregistered meanwhile
    const QByteArray bytes = replyBytes(reply);
    if (bytes.isEmpty())
        return; // no value
    Frame frame;
    QString error;
    const DecodeStatus status = decodeFrame(bytes, m_sink->maximumMessageSize(), &frame, &error);
    if (status != DecodeStatus::Complete || frame.head.frameSize() != bytes.size() || frame.head.channel != channelUtf8
        || !(frame.head.meta.flags & RetainedFlag)) {
        qCWarning(lcXDNetwork, "ignoring the retained value of \"%s\" in Redis: %ls", channelUtf8.constData(),
                  qUtf16Printable(error.isEmpty() ? QStringLiteral("not a retained message of this channel") : error));
        return;
    }
    m_sink->retainedValueReceived(std::move(frame), XDTransport::Network);
    m_sink->deliverReceived(FrameSink::Delivery::FromEventLoop);
}

// Tells the sink only of a change: this runs after every read.
void RedisListener::noteLiveness()
{
    const bool live = isLive();
    if (live == m_reportedLive)
        return;
    m_reportedLive = live;
    m_sink->livenessChanged();
}

// Live: connected, and every channel's reading starts at a position the server confirmed
// (or its clock gave), so nothing added from now on is missed.
bool RedisListener::isLive() const
{
    if (!m_connection || !m_connection->isReady() || !m_connectedReported)
        return false;
    for (auto it = m_channelByKey.cbegin(); it != m_channelByKey.cend(); ++it) {
        if (!m_positionByKey.contains(it.key()) || m_positionsToCheck.contains(it.key())
            || m_unreadableKeys.contains(it.key()))
            return false;
    }
    return true;
}

// Safe from inside a hiredis callback: the sink only queues what the listener's owner
// is told, from its event loop.
void RedisListener::reportState(const TransportFailure &failure)
{
    m_sink->transportStateChanged(XDTransport::Network, failure);
}

void RedisListener::connectionReady(const QByteArray &runId)
{
    if (!m_runId.isEmpty() && runId != m_runId) {
        // A new server: its streams may have started over with lower ids than ours.
        for (auto it = m_positionByKey.cbegin(); it != m_positionByKey.cend(); ++it)
            m_positionsToCheck.insert(it.key());
    }
    m_runId = runId;
    m_reading = false;
    learnServerClock();
    readNext();
}

void RedisListener::learnServerClock()
{
    m_serverClock.reset();
    m_connection->command({QByteArrayLiteral("TIME")}, [this](const redisReply *reply) {
        const qint64 answeredUs = ServerClockBound::localMicroseconds();
        const QByteArray seconds = replyBytes(replyElement(reply, 0));
        const QByteArray microseconds = replyBytes(replyElement(reply, 1));
        bool secondsOk = false, microsecondsOk = false;
        const qint64 serverUs = seconds.toLongLong(&secondsOk) * 1000000 + microseconds.toLongLong(&microsecondsOk);
        if (!secondsOk || !microsecondsOk)
            return; // not known: new channels start at the newest entry, as before a connect
        m_serverClock.emplace(serverUs, answeredUs);
    });
}

void RedisListener::connectionLost(const QString &error)
{
    m_reading = false;
    m_positionLookups = 0;
    m_lookupError.clear();
    m_retryTimer->stop();
    noteLiveness();
    // Reconnect attempts fail again and again while Redis is away: say it once.
    if (m_connectedReported || error != m_reportedError) {
        m_connectedReported = false;
        m_reportedError = error;
        reportState({XDError::TransportUnavailable, error});
    }
}

void RedisListener::readNext()
{
    if (m_reading || !m_connection || !m_connection->isReady())
        return;
    fetchRetainedValues(); // before the first read: a value comes before live traffic
    QList<QByteArray> unknown;
    QList<QByteArray> keys;
    for (auto it = m_channelByKey.cbegin(); it != m_channelByKey.cend(); ++it) {
        if (m_unreadableKeys.contains(it.key()))
            continue;
        keys.append(it.key());
        if (!m_positionByKey.contains(it.key()) || m_positionsToCheck.contains(it.key()))
            unknown.append(it.key());
    }
    if (!unknown.isEmpty()) {
        findStartPositions(unknown);
        return;
    }
    if (!m_connectedReported) {
        m_connectedReported = true;
        m_reportedError.clear();
        reportState({});
    }
    noteLiveness();
    if (keys.isEmpty())
        return; // publish() (or the unreadable-key timer) starts reading again
    QList<QByteArray> command {QByteArrayLiteral("XREAD"),           QByteArrayLiteral("COUNT"),
                               QByteArray::number(m_entriesPerRead), QByteArrayLiteral("BLOCK"),
                               QByteArray::number(ReadBlockMs),      QByteArrayLiteral("STREAMS")};
    command.append(keys);
    QHash<QByteArray, quint64> generations;
    for (const QByteArray &key : keys) {
        command.append(m_positionByKey.value(key));
        generations.insert(key, m_generationByKey.value(key));
    }
    m_reading = m_connection->command(command,
                                      [this, generations](const redisReply *reply) { readReply(reply, generations); });
}

// A channel is read from its newest entry on, as a local listener only gets what is sent
// after it registered. On a replaced server, a stream whose newest id is below ours
// started over: everything in it is new to us.
void RedisListener::findStartPositions(const QList<QByteArray> &keys)
{
    m_reading = true;
    m_positionLookups = int(keys.size());
    for (const QByteArray &key : keys) {
        const bool sent =
                m_connection->command({QByteArrayLiteral("XREVRANGE"), key, QByteArrayLiteral("+"),
                                       QByteArrayLiteral("-"), QByteArrayLiteral("COUNT"), QByteArrayLiteral("1")},
                                      [this, key](const redisReply *reply) { startPositionFound(key, reply); });
        if (!sent) {
            m_reading = false;
            return;
        }
    }
}

void RedisListener::startPositionFound(const QByteArray &key, const redisReply *reply)
{
    if (!reply)
        return; // the connection dropped; connectionLost() resets the loop
    const QString error = replyError(reply);
    const QByteArray newest = replyBytes(replyElement(replyElement(reply, 0), 0));
    if (!error.isEmpty()) {
        if (m_lookupError.isEmpty())
            m_lookupError = QStringLiteral("%1 (%2)").arg(error, QString::fromUtf8(key));
    } else if (m_positionsToCheck.contains(key)) {
        const QByteArray ours = m_positionByKey.value(key);
        if (newest.isEmpty() || streamIdLess(newest, ours))
            m_positionByKey.insert(key, streamStartId());
    } else {
        m_positionByKey.insert(key, newest.isEmpty() ? streamStartId() : newest);
    }
    m_positionsToCheck.remove(key);
    if (--m_positionLookups > 0)
        return;
    m_reading = false;
    if (!m_lookupError.isEmpty()) {
        const QString failure = m_lookupError;
        m_lookupError.clear();
        readFailed(failure);
        return;
    }
    readNext();
}

void RedisListener::readReply(const redisReply *reply, const QHash<QByteArray, quint64> &generations)
{
    if (!reply)
        return;
    m_reading = false;
    const QString error = replyError(reply);
    if (!error.isEmpty()) {
        readFailed(error);
        return;
    }
    // nil: the block timed out; else [[key, [[id, [field, value, ...]], ...]], ...]
    ReadTally tally;
    for (size_t i = 0; i < replyElementCount(reply); ++i) {
        const redisReply *stream = replyElement(reply, i);
        const QByteArray key = replyBytes(replyElement(stream, 0));
        // A channel unregistered (and maybe registered again) since the read went out:
        // what it brings was sent while the channel was not registered.
        if (m_channelByKey.contains(key) && m_generationByKey.value(key) == generations.value(key))
            readEntries(key, replyElement(stream, 1), &tally);
    }
    if (tally.entries > 0) {
        const qint64 entrySize = qMax<qint64>(1, tally.bytes / tally.entries);
        m_entriesPerRead =
                int(std::clamp<qint64>(BytesPerRead / entrySize, MinimumEntriesPerRead, MaximumEntriesPerRead));
    }
    m_sink->deliverReceived(FrameSink::Delivery::FromEventLoop); // inside a hiredis callback
    readNext();
}

void RedisListener::readEntries(const QByteArray &key, const redisReply *entries, ReadTally *tally)
{
    QByteArray lastId; // where the next read of this stream starts
    for (size_t i = 0; i < replyElementCount(entries); ++i) {
        const redisReply *entry = replyElement(entries, i);
        const QByteArray id = replyBytes(replyElement(entry, 0));
        quint64 milliseconds = 0, sequence = 0;
        if (!parseStreamId(id, &milliseconds, &sequence)) {
            qCWarning(lcXDNetwork, "%s answered with a malformed entry; skipping the read", key.constData());
            break;
        }
        lastId = id;
        Frame frame;
        QString error;
        ++tally->entries;
        if (!decodeEntry(key, replyElement(entry, 1), &frame, &error)) {
            qCWarning(lcXDNetwork, "dropping entry %s of %s: %ls", id.constData(), key.constData(),
                      qUtf16Printable(error));
            continue;
        }
        tally->bytes += frame.head.frameSize();
        // Entries Redis trimmed (MAXLEN) before this listener read them show as a gap in
        // the publishers' numbers, which the listener reports.
        m_sink->frameReceived(std::move(frame), XDTransport::Network);
    }
    if (!lastId.isNull())
        m_positionByKey.insert(key, lastId);
}

bool RedisListener::decodeEntry(const QByteArray &key, const redisReply *fields, Frame *frame, QString *error) const
{
    QByteArray bytes;
    QByteArray sequence;
    const size_t fieldCount = replyElementCount(fields);
    for (size_t i = 0; i + 1 < fieldCount; i += 2) {
        const QByteArray name = replyBytes(replyElement(fields, i));
        QByteArray *value = name == streamFrameField() ? &bytes : name == streamSequenceField() ? &sequence : nullptr;
        if (!value || !value->isNull()) {
            *error = QStringLiteral("not one \"%1\" field and at most one \"%2\" field")
                             .arg(QString::fromLatin1(streamFrameField()), QString::fromLatin1(streamSequenceField()));
            return false;
        }
        *value = replyBytes(replyElement(fields, i + 1));
    }
    if (fieldCount % 2 != 0 || bytes.isNull()) {
        *error = QStringLiteral("not one \"%1\" field").arg(QString::fromLatin1(streamFrameField()));
        return false;
    }
    const DecodeStatus status = decodeFrame(bytes, m_sink->maximumMessageSize(), frame, error);
    if (status == DecodeStatus::NeedMoreData)
        *error = QStringLiteral("truncated frame of %1 bytes").arg(bytes.size());
    if (status != DecodeStatus::Complete)
        return false;
    if (frame->head.frameSize() != bytes.size()) {
        *error = QStringLiteral("%1 bytes after the frame").arg(bytes.size() - frame->head.frameSize());
        return false;
    }
    if (frame->head.channel != m_channelByKey.value(key)) {
        *error = QStringLiteral("the frame is for another channel");
        return false;
    }
    quint64 publisher = 0, number = 0;
    if (!sequence.isNull()
        && (!parseStreamSequence(sequence, &publisher, &number) || publisher != frame->head.meta.publisher
            || number != frame->head.meta.sequence)) {
        *error = QStringLiteral("its \"%1\" field does not match its frame")
                         .arg(QString::fromLatin1(streamSequenceField()));
        return false;
    }
    return true;
}

// Whatever the cause (a key holding something else than a stream, a server error), the
// loop goes on after a pause rather than spinning or stopping for every channel.
void RedisListener::readFailed(const QString &error)
{
    qCWarning(lcXDNetwork, "reading the channel streams failed: %ls", qUtf16Printable(error));
    m_reading = true;
    m_retryTimer->start();
    if (error.startsWith(QStringLiteral("WRONGTYPE")))
        findUnreadableKeys();
}

// One key that is no stream fails the XREAD of every channel: find it and read the
// others without it.
void RedisListener::findUnreadableKeys()
{
    for (auto it = m_channelByKey.cbegin(); it != m_channelByKey.cend(); ++it) {
        const QByteArray key = it.key();
        m_connection->command({QByteArrayLiteral("TYPE"), key}, [this, key](const redisReply *reply) {
            const QByteArray type = replyBytes(reply);
            if (type.isNull() || type == "stream" || type == "none")
                return;
            qCWarning(lcXDNetwork, "%s holds a %s, not a stream: not read for %d s", key.constData(), type.constData(),
                      UnreadableKeyRetryMs / 1000);
            m_unreadableKeys.insert(key);
            if (!m_unreadableKeyTimer->isActive())
                m_unreadableKeyTimer->start();
        });
    }
}

} // namespace XDMessagingPrivate
