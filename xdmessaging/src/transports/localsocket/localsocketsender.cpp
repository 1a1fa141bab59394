// SPDX-License-Identifier: MIT
#include "transports/localsocket/localsocketsender_p.h"

#include "core/logging_p.h"
#include "core/waituntil_p.h"
#include "transports/localsocket/localsocketdirectory_p.h"
#include "transports/localsocket/sharedpayloadring_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QScopeGuard>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <ctime>
#include <vector>

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

// Frames gathered into one sendmsg(): two iovecs each (head and payload).
constexpr int MaximumFramesPerWrite = 256;
// Frames written and not yet acknowledged before a writer reads the acknowledgements.
constexpr quint64 AcknowledgementsReadAfter = 32;
// How long the destructor (at process exit) waits for queues to drain.
constexpr std::chrono::milliseconds ExitFlushTimeout(1000);
// How often a sender checks that the runtime directory is still the one it opened.
constexpr std::chrono::milliseconds DirectoryCheckInterval(250);
// Payloads up to this size are copied into a connection's queue; larger ones are
// written from the caller's buffer (shared, not copied).
constexpr qsizetype CopiedPayloadLimit = 4096;
// A sender that handed over nothing for this long is idle: its next frame is written by
// the caller at once. A busy one leaves it to the I/O thread, which takes all that piled
// up meanwhile in one sendmsg() per connection (many listeners, a burst).
constexpr std::chrono::microseconds IdleInterval(20);

// Milliseconds of a clock that is read in a few nanoseconds, not tens (it moves in ticks
// of a few milliseconds): enough for checks every DirectoryCheckInterval, on every send.
qint64 coarseNowMs()
{
    timespec now;
    ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

QString describe(const ListenerRecord &listener)
{
    return QStringLiteral("listener \"%1\" (pid %2, id %3)")
            .arg(listener.name)
            .arg(listener.pid)
            .arg(listener.id.toString(QUuid::Id128).left(8));
}

DeliveryOutcome failed(XDError error, const QString &reason)
{
    return {DeliveryOutcome::Status::Failed, error, reason};
}

} // namespace

void LocalSocketSender::Batch::append(const EncodedFrame &frame, quint64 senderToken, SpareQueueBlocks &spare)
{
    const bool copyPayload = frame.payload.size() <= CopiedPayloadLimit;
    const qint64 copiedSize = frame.head.size() + (copyPayload ? frame.payload.size() : 0);
    char *const at = bytes.extend(copiedSize, spare);
    frames.push({at, copiedSize, senderToken, copyPayload ? QByteArray() : frame.payload, 0, false, false}, spare);
    std::memcpy(at, frame.head.constData(), size_t(frame.head.size()));
    if (copyPayload && !frame.payload.isEmpty()) // memcpy must not see a null payload's data()
        std::memcpy(at + frame.head.size(), frame.payload.constData(), size_t(frame.payload.size()));
}

void LocalSocketSender::Batch::appendShared(const EncodedFrame &frame, quint64 frameNumber, quint64 senderToken,
                                            SpareQueueBlocks &spare)
{
    const qint64 size = frame.head.size() + SharedPayloadOffsetSize;
    char *const at = bytes.extend(size, spare);
    frames.push({at, size, senderToken, frame.payload, frameNumber, true, false}, spare);
    encodeSharedPayloadHead(frame.head, 0, at); // the offset comes when it is placed
}

void LocalSocketSender::Batch::clear(SpareQueueBlocks &spare)
{
    bytes.clear(spare);
    frames.clear(spare);
}

LocalSocketSender::Connection::~Connection()
{
    if (fd >= 0)
        ::close(fd);
}

std::shared_ptr<LocalSocketSender> LocalSocketSender::instance(TransportFailure *failure)
{
    // The category must outlive the senders below, which may log while the process exits.
    lcXDLocalSocket();
    static std::mutex mutex;
    static QHash<QString, std::shared_ptr<LocalSocketSender>> senders;

    QString error;
    std::shared_ptr<LocalSocketDirectory> directory = LocalSocketDirectory::open(&error);
    if (!directory) {
        *failure = {XDError::RuntimeDirectoryError, error};
        return {};
    }
    std::lock_guard lock(mutex);
    std::shared_ptr<LocalSocketSender> &sender = senders[directory->path()];
    if (!sender)
        sender.reset(new LocalSocketSender(std::move(directory)));
    return sender;
}

LocalSocketSender::LocalSocketSender(std::shared_ptr<LocalSocketDirectory> directory)
    : m_directory(std::move(directory)), m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    m_ioThread = std::thread([this] { ioThreadMain(); });
}

LocalSocketSender::~LocalSocketSender()
{
    qint64 undelivered = 0;
    {
        std::unique_lock lock(m_mutex);
        m_progress.wait_for(lock, ExitFlushTimeout, [this] { return unwrittenCountLocked() == 0; });
        undelivered = unwrittenCountLocked();
        m_stopping = true;
        wakeIoThreadLocked();
    }
    m_ioThread.join();
    ::close(m_wakeFd);
    if (undelivered > 0) {
        qCWarning(lcXDLocalSocket,
                  "%lld messages were still queued for listeners that did not "
                  "read them when the process exited",
                  undelivered);
    }
}

// Someone may remove the runtime directory under running programs (a cleaner, a
// logout script). Check for that a few times a second, not on every send, and take the
// directory back: listeners republish themselves into it (see LocalSocketListener).
void LocalSocketSender::checkDirectoryLocked()
{
    const qint64 nowMs = coarseNowMs();
    if (nowMs < m_nextDirectoryCheckMs.load())
        return;
    // Moved on last: until then, listenersGeneration() takes the lock and waits for this.
    const auto scheduleNext = qScopeGuard([&] { m_nextDirectoryCheckMs = nowMs + DirectoryCheckInterval.count(); });
    if (m_directory->isIntact())
        return;
    QString error;
    const bool reopened = m_directory->reopen(&error);
    if (!reopened && !m_directoryBroken)
        qCWarning(lcXDLocalSocket, "runtime directory unusable: %ls", qUtf16Printable(error));
    if (reopened && m_directoryBroken)
        qCInfo(lcXDLocalSocket, "runtime directory %ls is back", qUtf16Printable(m_directory->path()));
    m_directoryBroken = !reopened;
    m_directoryError = error;
    m_listenersGeneration = ~quint64(0); // rescan
}

void LocalSocketSender::refreshListenersLocked()
{
    checkDirectoryLocked();
    const quint64 generation = m_directory->generation();
    if (generation == m_listenersGeneration)
        return;
    m_listeners = m_directory->scan();
    m_listenersByChannel.clear();
    // In this order: listenersGeneration() without the lock, seeing the new generation,
    // sees the change too.
    ++m_listenersChanges;
    m_listenersGeneration = generation;
}

quint64 LocalSocketSender::listenersGeneration(TransportFailure *failure)
{
    // What nearly every send finds: no listener came or went, and no directory check is due.
    if (!m_directoryBroken.load() && m_directory->generation() == m_listenersGeneration.load()
        && coarseNowMs() < m_nextDirectoryCheckMs.load())
        return m_listenersChanges.load();
    std::lock_guard lock(m_mutex);
    refreshListenersLocked();
    if (m_directoryBroken)
        *failure = {XDError::RuntimeDirectoryError, m_directoryError};
    return m_listenersChanges.load();
}

QList<ListenerRecord> LocalSocketSender::listenersOf(const QString &channel, TransportFailure *failure)
{
    std::lock_guard lock(m_mutex);
    refreshListenersLocked();
    if (m_directoryBroken) {
        *failure = {XDError::RuntimeDirectoryError, m_directoryError};
        return {};
    }
    const auto cached = m_listenersByChannel.constFind(channel);
    if (cached != m_listenersByChannel.constEnd())
        return *cached;
    QList<ListenerRecord> matching;
    for (const ListenerRecord &listener : std::as_const(m_listeners)) {
        if (listener.channels.contains(channel))
            matching.append(listener);
    }
    m_listenersByChannel.insert(channel, matching);
    return matching;
}

QList<ListenerRecord> LocalSocketSender::liveListeners()
{
    std::lock_guard lock(m_mutex);
    refreshListenersLocked();
    QList<ListenerRecord> alive;
    const QList<ListenerRecord> candidates = m_listeners;
    for (const ListenerRecord &listener : candidates) {
        const ConnectionPtr open = m_connections.value(listener.id);
        if (open && !open->closed) {
            alive.append(listener);
            continue;
        }
        FileDescriptor probe;
        QString error;
        const ConnectResult result = connectUnix(m_directory->socketPath(listener.id), &probe, &error);
        if (result == ConnectResult::Refused)
            removeStaleLocked(listener.id);
        else if (result != ConnectResult::Failed)
            alive.append(listener);
    }
    return alive;
}

void LocalSocketSender::removeStaleLocked(const QUuid &id)
{
    qCDebug(lcXDLocalSocket, "removing stale endpoint %ls", qUtf16Printable(id.toString()));
    m_directory->removeEndpoint(id);
    m_listeners.removeIf([&id](const ListenerRecord &listener) { return listener.id == id; });
    m_listenersByChannel.clear();
    ++m_listenersChanges;
}

void LocalSocketSender::addConnectionLocked(const ConnectionPtr &connection)
{
    m_connections.insert(connection->id, connection);
    m_connectionList.push_back(connection);
    // The I/O thread watches every connection for its listener's hangup, even one whose
    // frames all went out from the caller's thread: what it had not acknowledged is
    // reported lost then, and its socket and ring let go, not at some later wake-up.
    wakeIoThreadLocked();
}

void LocalSocketSender::removeConnectionLocked(const QUuid &id)
{
    m_connections.remove(id);
    m_connectionList.erase(std::remove_if(m_connectionList.begin(), m_connectionList.end(),
                                          [&id](const ConnectionPtr &connection) { return connection->id == id; }),
                           m_connectionList.end());
}

const LocalSocketSender::ConnectionPtr *LocalSocketSender::connectionLocked(const ListenerRecord &listener,
                                                                            const DeliveryOptions &options,
                                                                            std::unique_lock<std::mutex> &lock,
                                                                            DeliveryOutcome *outcome)
{
    if (const ConnectionPtr *recent = recentConnectionLocked(listener.id))
        return recent;
    if (const ConnectionPtr existing = m_connections.value(listener.id)) {
        if (!existing->closed) {
            m_lastConnectionIndex = size_t(std::find(m_connectionList.cbegin(), m_connectionList.cend(), existing)
                                           - m_connectionList.cbegin());
            return &m_connectionList[m_lastConnectionIndex];
        }
        removeConnectionLocked(listener.id);
    }
    const QString path = m_directory->socketPath(listener.id);
    for (;;) {
        FileDescriptor socket;
        QString error;
        switch (connectUnix(path, &socket, &error)) {
        case ConnectResult::Connected: {
            const qint64 uid = peerUid(socket.get());
            if (uid != qint64(::getuid())) {
                *outcome = failed(XDError::ListenerUnreachable,
                                  QStringLiteral("%1: its socket belongs to uid %2, not this user")
                                          .arg(describe(listener))
                                          .arg(uid));
                return {};
            }
            auto connection = std::make_shared<Connection>();
            connection->id = listener.id;
            connection->description = describe(listener);
            connection->fd = socket.release();
            addConnectionLocked(connection);
            m_lastConnectionIndex = m_connectionList.size() - 1;
            return &m_connectionList.back();
        }
        case ConnectResult::Refused:
            removeStaleLocked(listener.id);
            *outcome = {DeliveryOutcome::Status::Gone, XDError::NoError, QString()};
            return {};
        case ConnectResult::Busy:
            if (options.timing.deadline().hasExpired()) {
                *outcome = failed(XDError::ListenerNotReading,
                                  QStringLiteral("%1 is not accepting connections").arg(describe(listener)));
                return {};
            }
            lock.unlock();
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
            lock.lock();
            break;
        case ConnectResult::Failed:
            *outcome = failed(XDError::ListenerUnreachable,
                              QStringLiteral("cannot connect to %1: %2").arg(describe(listener), error));
            return {};
        }
    }
}

const LocalSocketSender::ConnectionPtr *LocalSocketSender::recentConnectionLocked(const QUuid &id)
{
    // Two 8-byte comparisons, where QUuid's operator== compares its 11 fields one by one.
    static_assert(sizeof(QUuid) == 16);
    const auto sameId = [&id](const ConnectionPtr &connection) {
        return std::memcmp(&connection->id, &id, sizeof id) == 0;
    };
    const size_t count = m_connectionList.size();
    for (size_t index : {m_lastConnectionIndex, m_lastConnectionIndex + 1}) {
        if (index >= count)
            index -= count; // the first listener follows the last
        if (index < count && sameId(m_connectionList[index]) && !m_connectionList[index]->closed) {
            m_lastConnectionIndex = index;
            return &m_connectionList[index];
        }
    }
    return nullptr;
}

DeliveryOutcome LocalSocketSender::deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                                           const DeliveryOptions &options)
{
    std::unique_lock lock(m_mutex, std::defer_lock);
    lockSoon(lock);
    DeliveryOutcome outcome;
    const ConnectionPtr *found = connectionLocked(listener, options, lock, &outcome);
    if (!found)
        return outcome;
    // Borrowed from the connection list while the lock is held: a fan-out copies no
    // shared pointer per listener, whose count the I/O thread's copies of the list keep
    // moving from the other core. Owned only where the lock is let go.
    Connection *connection = found->get();

    const qint64 size = frame.size();
    const auto hasRoom = [&] {
        // One frame larger than the limit still goes through an empty queue.
        return connection->closed || connection->queuedBytes == 0
               || connection->queuedBytes + size <= options.queueLimit;
    };
    ConnectionPtr owned;
    if (!hasRoom()) {
        owned = *found; // waiting lets go of the lock: the connection may be closed and dropped meanwhile
        if (connection->stalled || !waitUntil(m_progress, lock, options.timing, hasRoom)) {
            connection->stalled = true;
            return failed(XDError::ListenerNotReading,
                          QStringLiteral("%1 is not reading: %2 bytes are queued for it, the limit "
                                         "is %3")
                                  .arg(connection->description)
                                  .arg(connection->queuedBytes)
                                  .arg(options.queueLimit));
        }
    }
    if (connection->closed) {
        return failed(XDError::ListenerUnreachable,
                      QStringLiteral("%1 closed the connection").arg(connection->description));
    }
    if (listener.sharedPayloads && sharesPayloadLocked(*connection, frame))
        connection->queued.appendShared(frame, connection->unwritten.handedOverCount() + 1, options.senderToken,
                                        m_spareBlocks);
    else
        connection->queued.append(frame, options.senderToken, m_spareBlocks);
    const qint64 heldSize = connection->queued.frames.back().heldSize();
    connection->queuedBytes += heldSize;
    connection->unwritten.handedOver(options.senderToken);
    // A frame that comes alone (a reply, a ping-pong) does not wait for the I/O thread
    // to wake up: two thread hops fewer per message.
    const auto now = options.timing.start(); // one clock read for all listeners of a send
    const bool idle = now - m_lastDelivery > IdleInterval;
    m_lastDelivery = now;
    if (idle && connection->queuedBytes == heldSize && !connection->writerActive && !connection->waitingWritable) {
        if (!owned)
            owned = *found; // the write lets go of the lock too
        writeConnection(owned, lock);
    }
    if (connection->hasQueuedFrames() || connection->waitingWritable)
        wakeIoThreadLocked();
    return outcome;
}

bool LocalSocketSender::sharesPayloadLocked(Connection &connection, const EncodedFrame &frame)
{
    if (frame.payload.size() < SharedPayloadThreshold || frame.payload.size() > SharedPayloadRingSize
        || connection.sharedPayloadsUnavailable)
        return false;
    if (!connection.sharedPayloads) {
        QString error;
        connection.sharedPayloads = SharedPayloadRing::create(SharedPayloadRingSize, &error);
        if (!connection.sharedPayloads) {
            qCWarning(lcXDLocalSocket, "%ls; large messages to %ls go through the socket", qUtf16Printable(error),
                      qUtf16Printable(connection.description));
            connection.sharedPayloadsUnavailable = true;
            return false;
        }
    }
    return true;
}

bool LocalSocketSender::flush(quint64 senderToken, QDeadlineTimer deadline)
{
    std::unique_lock lock(m_mutex);
    return waitUntil(m_progress, lock, deadline, [&] { return !hasUnwrittenLocked(senderToken); });
}

bool LocalSocketSender::hasUnwrittenLocked(quint64 senderToken) const
{
    return std::any_of(
            m_connectionList.cbegin(), m_connectionList.cend(),
            [senderToken](const ConnectionPtr &connection) { return connection->unwritten.holds(senderToken); });
}

qint64 LocalSocketSender::unwrittenCountLocked() const
{
    qint64 count = 0;
    for (const ConnectionPtr &connection : m_connectionList)
        count += qint64(connection->unwritten.unacknowledgedCount());
    return count;
}

void LocalSocketSender::wakeIoThreadLocked()
{
    if (m_wakePending)
        return;
    m_wakePending = true;
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof one);
}

void LocalSocketSender::closeConnectionLocked(const ConnectionPtr &connection, const QString &reason)
{
    connection->closed = true;
    // Lost: what was never written, and what was written but never acknowledged (in the
    // listener's socket buffer when it died, or read by a listener that died before it
    // could say so).
    QHash<quint64, qint64> lostBySender = connection->written.takeUnacknowledged();
    const QHash<quint64, qint64> unwritten = connection->unwritten.takeUnacknowledged();
    for (auto it = unwritten.cbegin(); it != unwritten.cend(); ++it)
        lostBySender[it.key()] += it.value();
    connection->writing.clear(m_spareBlocks);
    connection->queued.clear(m_spareBlocks);
    connection->writingFrame = 0;
    connection->headOffset = 0;
    connection->queuedBytes = 0;
    if (m_connections.value(connection->id) == connection)
        removeConnectionLocked(connection->id);
    for (auto it = lostBySender.cbegin(); it != lostBySender.cend(); ++it) {
        qCWarning(lcXDLocalSocket, "%lld messages lost: %ls %ls", it.value(), qUtf16Printable(connection->description),
                  qUtf16Printable(reason));
        reportLostMessages(it.key(), connection->description, int(it.value()), reason);
    }
    m_progress.notify_all();
}

bool LocalSocketSender::readAcknowledgementsLocked(const ConnectionPtr &connection)
{
    // Whole acknowledgements are decoded where they were read; only the start of one
    // that is not all here yet is kept, so that reading allocates nothing.
    char bytes[65 * AcknowledgementSize];
    QByteArray &partial = connection->acknowledgementBytes;
    for (;;) {
        const qsizetype kept = partial.size(); // less than one acknowledgement
        std::memcpy(bytes, partial.constData(), size_t(kept));
        const ssize_t received = ::recv(connection->fd, bytes + kept, sizeof bytes - size_t(kept), MSG_DONTWAIT);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (received <= 0) {
            closeConnectionLocked(connection, received == 0 ? QStringLiteral("the listener closed the connection")
                                                            : systemErrorString(errno));
            return false;
        }
        const QByteArrayView available(bytes, kept + qsizetype(received));
        qsizetype used = 0;
        quint64 taken = 0;
        bool any = false;
        QString error;
        DecodeStatus status;
        while ((status = decodeAcknowledgement(available.sliced(used), &taken, &error)) == DecodeStatus::Complete) {
            used += AcknowledgementSize;
            any = true;
        }
        if (used == available.size())
            partial.clear();
        else
            partial = available.sliced(used).toByteArray();
        if (status == DecodeStatus::Malformed || (any && !connection->written.acknowledge(taken))) {
            closeConnectionLocked(connection, QStringLiteral("the listener answered with something that is not a "
                                                             "valid acknowledgement"));
            return false;
        }
        if (any && connection->sharedPayloads)
            releaseSharedPayloadsLocked(*connection, taken);
    }
}

void LocalSocketSender::releaseSharedPayloadsLocked(Connection &connection, quint64 framesTaken)
{
    connection.sharedPayloads->release(framesTaken);
    if (connection.waitingRingRoom) {
        connection.waitingRingRoom = false;
        wakeIoThreadLocked(); // to write what waited for the room
    }
}

namespace {

// Adds size bytes at data to vectors, as part of the last piece when they follow it.
void gather(std::vector<iovec> &vectors, const char *data, qint64 size)
{
    if (size <= 0)
        return;
    if (!vectors.empty()) {
        iovec &last = vectors.back();
        if (static_cast<const char *>(last.iov_base) + last.iov_len == data) {
            last.iov_len += size_t(size);
            return;
        }
    }
    vectors.push_back({const_cast<char *>(data), size_t(size)});
}

} // namespace

size_t LocalSocketSender::placeSharedPayloadsLocked(Connection &connection, std::vector<PayloadCopy> &copies)
{
    copies.clear();
    Batch &batch = connection.writing;
    const size_t end = qMin(batch.frames.size(), connection.writingFrame + MaximumFramesPerWrite);
    if (!connection.sharedPayloads)
        return end; // no frame of this connection goes through a ring
    for (size_t i = connection.writingFrame; i < end; ++i) {
        QueuedFrame &frame = batch.frames[i];
        if (!frame.inRing || frame.ringPlaced)
            continue;
        const qint64 offset = connection.sharedPayloads->reserve(frame.payload.size(), frame.frameNumber);
        if (offset < 0)
            return i; // the frames before it go now, the rest once the listener made room
        setSharedPayloadOffset(frame.copied, frame.copiedSize, quint64(offset));
        frame.ringPlaced = true;
        copies.push_back({connection.sharedPayloads->data() + offset, &frame.payload});
    }
    return end;
}

void LocalSocketSender::gatherWriting(const Connection &connection, size_t end, std::vector<iovec> &vectors)
{
    vectors.clear();
    const Batch &batch = connection.writing;
    qint64 skip = connection.headOffset;
    for (size_t i = connection.writingFrame; i < end; ++i) {
        const QueuedFrame &frame = batch.frames[i];
        const qint64 copiedSkip = qMin(skip, frame.copiedSize);
        gather(vectors, frame.copied + copiedSkip, frame.copiedSize - copiedSkip);
        if (!frame.inRing) {
            gather(vectors, frame.payload.constData() + (skip - copiedSkip),
                   frame.payload.size() - (skip - copiedSkip));
        }
        skip = 0;
    }
}

void LocalSocketSender::writeConnection(const ConnectionPtr &connection, std::unique_lock<std::mutex> &lock)
{
    // One writer at a time, the I/O thread or a caller: it writes from writing unlocked.
    if (connection->writerActive)
        return;
    connection->writerActive = true;
    writeQueuedFrames(connection, lock);
    connection->writerActive = false;
    // Acknowledgements matter only once the listener is gone (poll() reports a hangup
    // without being asked, and they are read then): they are read after a write, when
    // this thread is awake anyway, and never wake it. Not after every write: a ping-pong
    // would pay a recv() per message. A few dozen unread ones fit in the listener's
    // send buffer many times over, so it never has to hold one back.
    // A ring in use is made room in as soon as possible: its payloads are large and few.
    const bool ringInUse = connection->sharedPayloads && connection->sharedPayloads->holdsFrames();
    if (!connection->closed && (ringInUse || connection->written.unacknowledgedCount() >= AcknowledgementsReadAfter))
        readAcknowledgementsLocked(connection);
}

void LocalSocketSender::writeQueuedFrames(const ConnectionPtr &connection, std::unique_lock<std::mutex> &lock)
{
    std::vector<iovec> &vectors = connection->vectors;
    vectors.reserve(2 * MaximumFramesPerWrite);
    std::vector<PayloadCopy> copies; // allocates only for a ring in use
    while (connection->hasQueuedFrames() && !connection->closed) {
        if (connection->writingFrame == connection->writing.frames.size()) {
            connection->writing.clear(m_spareBlocks);
            std::swap(connection->writing, connection->queued);
            connection->writingFrame = 0;
        }
        // Room in the ring is reserved under the lock, which acknowledgements free it
        // under; once reserved, the listener cannot take it back before it read the frame.
        // The rest of a write is the writer's alone and done unlocked: others only append
        // to queued, and read where the writer stands in writing (writingFrame) under the
        // lock, which it moves only under the lock (recordWriteLocked()).
        const size_t end = placeSharedPayloadsLocked(*connection, copies);
        if (end == connection->writingFrame) {
            connection->waitingRingRoom = true;
            break;
        }
        // The ring goes out before, or with, the first frame that points into it.
        const bool passRing = connection->sharedPayloads && !connection->sharedPayloadsPassed;
        const int ringFd = passRing ? connection->sharedPayloads->fd() : -1;
        lock.unlock();
        gatherWriting(*connection, end, vectors);
        msghdr message {};
        message.msg_iov = vectors.data();
        message.msg_iovlen = vectors.size();
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (passRing)
            attachDescriptor(&message, control, sizeof control, ringFd);
        for (const PayloadCopy &copy : copies)
            std::memcpy(copy.target, copy.payload->constData(), size_t(copy.payload->size()));
        const ssize_t written = ::sendmsg(connection->fd, &message, MSG_NOSIGNAL | MSG_DONTWAIT);
        const int writeError = errno;
        const WriteProgress progress = written > 0 ? measureWrite(*connection, written) : WriteProgress();
        lockSoon(lock);
        if (written > 0 && passRing)
            connection->sharedPayloadsPassed = true;
        if (written < 0) {
            if (writeError == EINTR)
                continue;
            if (writeError == EAGAIN || writeError == EWOULDBLOCK) {
                connection->waitingWritable = true;
                break;
            }
            // What the listener acknowledged before it went still counts as delivered.
            if (readAcknowledgementsLocked(connection))
                closeConnectionLocked(connection, systemErrorString(writeError));
            return;
        }
        // Room and flush() change only when a frame is written in full: a large frame
        // goes out in many writes, and waking its waiting caller for each is a futex
        // round trip for nothing.
        if (recordWriteLocked(*connection, progress) == 0)
            continue;
        if (!connection->hasQueuedFrames())
            connection->stalled = false;
        m_progress.notify_all();
    }
}

LocalSocketSender::WriteProgress LocalSocketSender::measureWrite(Connection &connection, qint64 written)
{
    WriteProgress progress;
    progress.headOffset = connection.headOffset;
    qint64 remaining = written;
    while (remaining > 0) {
        QueuedFrame &frame = connection.writing.frames[connection.writingFrame + progress.framesDone];
        const qint64 frameLeft = frame.size() - progress.headOffset;
        if (remaining < frameLeft) {
            progress.headOffset += remaining;
            break;
        }
        remaining -= frameLeft;
        progress.heldSize += frame.heldSize();
        progress.headOffset = 0;
        ++progress.framesDone;
        frame.payload = QByteArray(); // the caller may have it back unshared (counted in heldSize above)
    }
    return progress;
}

quint64 LocalSocketSender::recordWriteLocked(Connection &connection, const WriteProgress &progress)
{
    // The ledger is read by others under the lock: its senders are taken here, not by
    // measureWrite(), which would have to keep them somewhere in between.
    for (size_t i = 0; i < progress.framesDone; ++i)
        connection.written.handedOver(connection.writing.frames[connection.writingFrame + i].senderToken);
    connection.writingFrame += progress.framesDone;
    connection.headOffset = progress.headOffset;
    connection.queuedBytes -= progress.heldSize;
    connection.unwritten.acknowledge(connection.unwritten.acknowledgedCount() + progress.framesDone);
    return progress.framesDone;
}

void LocalSocketSender::ioThreadMain()
{
    std::vector<pollfd> pollSet;
    std::vector<ConnectionPtr> polled;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        m_wakePending = false;
        polled = m_connectionList;
        for (const ConnectionPtr &connection : polled) {
            if (!connection->waitingWritable && !connection->waitingRingRoom)
                writeConnection(connection, lock);
        }
        // Writing may have closed connections; poll only the open ones.
        polled = m_connectionList;
        pollSet.assign(1, pollfd {m_wakeFd, POLLIN, 0});
        for (const ConnectionPtr &connection : polled) {
            // The acknowledgements of a ring in use are read as they come: they make room.
            const bool ringInUse = connection->sharedPayloads && connection->sharedPayloads->holdsFrames();
            const short events = short((connection->waitingWritable ? POLLOUT : 0) | (ringInUse ? POLLIN : 0));
            pollSet.push_back({connection->fd, events, 0});
        }
        lock.unlock();
        const int ready = ::poll(pollSet.data(), pollSet.size(), -1);
        lockSoon(lock);
        if (ready <= 0)
            continue;
        if (pollSet[0].revents & POLLIN) {
            quint64 count;
            [[maybe_unused]] const ssize_t drained = ::read(m_wakeFd, &count, sizeof count);
        }
        for (size_t i = 0; i < polled.size(); ++i) {
            const ConnectionPtr &connection = polled[i];
            const short revents = pollSet[i + 1].revents;
            if (revents & POLLOUT)
                connection->waitingWritable = false;
            // Hung up: what it acknowledged before it closed was delivered, the rest is lost.
            // Not while a caller writes to it: its acknowledgements may already count frames
            // that writer has not yet recorded as written. It reads them itself after its
            // write, or the next poll() reports the hangup again.
            if ((revents & (POLLHUP | POLLERR | POLLIN)) && !connection->writerActive)
                readAcknowledgementsLocked(connection);
        }
    }
}

} // namespace XDMessagingPrivate
