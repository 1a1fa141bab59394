// SPDX-License-Identifier: MIT
#include "transports/localsocket/localsocketlistener_p.h"

#include "core/logging_p.h"
#include "transports/localsocket/localsocketdirectory_p.h"
#include "transports/localsocket/sharedpayloadring_p.h"

#include <QtCore/QFile>
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr qsizetype ReadBufferSize = 256 * 1024;
constexpr qsizetype MinimumFreeSpace = 64 * 1024;
// Payloads at least this large are read straight into their own buffer, not copied.
constexpr quint32 LargePayloadThreshold = 64 * 1024;
// Bytes read from one peer per wake-up, so one busy sender cannot starve the others.
constexpr qint64 ReadBudgetPerWakeUp = 4 * 1024 * 1024;
// Frames handed to the slots at a time. A read buffer holds thousands of small frames;
// delivering them as they are taken, a few at a time, lets the allocator reuse the memory
// of the messages just delivered instead of growing the heap for all of them. Each
// message allocates twice (its shared data and its payload); glibc keeps the last seven
// freed blocks of each size in a per-thread cache that takes a few dozen instructions,
// where a dozen more messages in flight send every allocation and free down its slow
// paths (about 300 instructions per message more, by callgrind).
constexpr int FramesPerDelivery = 6;
constexpr std::chrono::milliseconds EndpointCheckInterval(1000);

} // namespace

struct LocalSocketListener::Peer
{
    FileDescriptor fd;
    QSocketNotifier *notifier = nullptr;
    QByteArray buffer;
    qsizetype start = 0; // unread bytes are buffer[start, end)
    qsizetype end = 0;
    bool readingLargePayload = false;
    Frame largeFrame;
    qsizetype largeFilled = 0;
    qint64 skipping = 0; // bytes still to discard of a frame that was not acceptable
    quint64 framesTaken = 0; // delivered or dropped: what the sender need not answer for
    // Of the last frame decoded: handed to the next decode, which keeps them when they
    // repeat (see decodeFrameHead()).
    QByteArray lastChannel;
    QByteArray lastSenderName;
    quint64 framesAcknowledged = 0;
    QByteArray unsentAcknowledgement; // the rest of one the socket had no room for
    // The ring the sender passed for large payloads, if it did.
    std::unique_ptr<SharedPayloadMapping> sharedPayloads;

    ~Peer()
    {
        notifier->setEnabled(false);
        notifier->deleteLater();
    }
};

LocalSocketListener::LocalSocketListener(const ListenerManifest &identity, FrameSink *sink)
    : m_id(identity.id), m_sink(sink)
{}

LocalSocketListener::~LocalSocketListener()
{
    // What the slots had, or was dropped with this listener, was taken. Every peer hears
    // it, even unchanged: a farewell, which tells presence watchers that this listener
    // left rather than died.
    for (const std::shared_ptr<Peer> &peer : m_peers)
        acknowledge(peer.get(), Acknowledgement::EvenUnchanged);
    if (m_directory)
        m_directory->removeEndpoint(m_id);
}

bool LocalSocketListener::start(TransportFailure *failure)
{
    QString error;
    m_directory = LocalSocketDirectory::open(&error);
    if (!m_directory) {
        *failure = {XDError::RuntimeDirectoryError, error};
        return false;
    }
    if (!bindEndpoint(failure))
        return false;
    m_endpointCheckTimer = new QTimer(this);
    m_endpointCheckTimer->setInterval(EndpointCheckInterval);
    connect(m_endpointCheckTimer, &QTimer::timeout, this, &LocalSocketListener::checkEndpoint);
    m_endpointCheckTimer->start();
    return true;
}

bool LocalSocketListener::bindEndpoint(TransportFailure *failure)
{
    delete m_acceptNotifier;
    m_acceptNotifier = nullptr;
    QString error;
    m_server = listenUnix(m_directory->socketPath(m_id), &error);
    if (!m_server.isValid()) {
        *failure = {XDError::RuntimeDirectoryError, error};
        return false;
    }
    m_socketInode = socketFileInode();
    m_acceptNotifier = new QSocketNotifier(m_server.get(), QSocketNotifier::Read, this);
    connect(m_acceptNotifier, &QSocketNotifier::activated, this, &LocalSocketListener::acceptPeers);
    return true;
}

quint64 LocalSocketListener::socketFileInode() const
{
    struct stat status;
    if (::lstat(QFile::encodeName(m_directory->socketPath(m_id)).constData(), &status) != 0)
        return 0;
    return status.st_ino;
}

// The runtime directory can be removed under a running listener, which then becomes
// unreachable without noticing. Check once a second that the socket is still ours, and
// rebuild and republish it when the directory is usable again.
void LocalSocketListener::checkEndpoint()
{
    if (socketFileInode() == m_socketInode && m_directory->isIntact())
        return;
    TransportFailure failure;
    QString error;
    if (!m_directory->reopen(&error)) {
        failure = {XDError::RuntimeDirectoryError, error};
    } else {
        ::unlink(QFile::encodeName(m_directory->socketPath(m_id)).constData());
        if (bindEndpoint(&failure) && !m_directory->publish(m_published, &error))
            failure = {XDError::RuntimeDirectoryError, error};
    }
    const bool broken = failure.error != XDError::NoError;
    if (broken != m_endpointBroken) {
        m_endpointBroken = broken;
        m_sink->transportStateChanged(XDTransport::LocalSocket, failure);
    }
}

bool LocalSocketListener::publish(const ListenerManifest &manifest, QString *error)
{
    m_published = manifest;
    m_published.sharedPayloads = true;
    return m_directory->publish(m_published, error);
}

void LocalSocketListener::acceptPeers()
{
    for (;;) {
        FileDescriptor socket(::accept4(m_server.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!socket.isValid()) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                qCWarning(lcXDLocalSocket, "accept failed: %ls", qUtf16Printable(systemErrorString(errno)));
            return;
        }
        const qint64 uid = peerUid(socket.get());
        if (uid != qint64(::getuid())) {
            qCWarning(lcXDLocalSocket, "refused a connection from uid %lld", uid);
            continue;
        }
        auto peer = std::make_shared<Peer>();
        peer->fd = std::move(socket);
        peer->buffer.resize(ReadBufferSize);
        peer->notifier = new QSocketNotifier(peer->fd.get(), QSocketNotifier::Read, this);
        connect(peer->notifier, &QSocketNotifier::activated, this,
                [this, weakPeer = std::weak_ptr<Peer>(peer)] { readPeer(weakPeer); });
        m_peers.push_back(std::move(peer));
    }
}

void LocalSocketListener::dropPeer(Peer *peer, const QString &reason)
{
    if (reason.isEmpty())
        qCDebug(lcXDLocalSocket, "a sender disconnected");
    else
        qCWarning(lcXDLocalSocket, "closing a sender connection: %ls", qUtf16Printable(reason));
    for (auto it = m_peers.begin(); it != m_peers.end(); ++it) {
        if (it->get() == peer) {
            m_peers.erase(it);
            return;
        }
    }
}

void LocalSocketListener::readPeer(const std::weak_ptr<Peer> &weakPeer)
{
    Peer *const peer = weakPeer.lock().get(); // m_peers keeps it until dropPeer()
    if (!peer)
        return;
    const QPointer<LocalSocketListener> alive(this);
    qint64 budget = ReadBudgetPerWakeUp;
    for (;;) {
        const ReadStatus status = readAvailable(peer, FramesPerDelivery, &budget);
        // A slot may delete this listener, or read this peer (a nested event loop) until
        // it hung up: look again at both before reading on.
        m_sink->deliverReceived(FrameSink::Delivery::Now);
        if (!alive)
            return;
        if (status != ReadStatus::MoreBuffered || weakPeer.expired())
            break;
        // The sender reuses its ring's room once it hears that the payloads in it were
        // taken: tell it now, not after the whole burst.
        if (peer->sharedPayloads)
            acknowledge(peer);
    }
    // After the slots, so that an acknowledgement is no step on the way of their replies.
    acknowledgeAll();
}

void LocalSocketListener::acknowledgeAll()
{
    for (const std::shared_ptr<Peer> &peer : m_peers)
        acknowledge(peer.get());
}

// One small write per read batch. A sender that does not read its acknowledgements
// fills its own socket: the count is then sent with a later batch, never lost.
void LocalSocketListener::acknowledge(Peer *peer, Acknowledgement when)
{
    for (;;) {
        if (peer->unsentAcknowledgement.isEmpty()) {
            if (peer->framesTaken == peer->framesAcknowledged && when == Acknowledgement::IfChanged)
                return;
            when = Acknowledgement::IfChanged;
            peer->unsentAcknowledgement = encodeAcknowledgement(peer->framesTaken);
            peer->framesAcknowledged = peer->framesTaken;
        }
        const ssize_t written = ::send(peer->fd.get(), peer->unsentAcknowledgement.constData(),
                                       size_t(peer->unsentAcknowledgement.size()), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return; // no room now, or the sender is gone (the next read finds out)
        peer->unsentAcknowledgement.remove(0, qsizetype(written));
        if (!peer->unsentAcknowledgement.isEmpty())
            return;
    }
}

// Reads what the peer sent (up to a budget) and hands its frames to the sink, which only
// queues them: nothing here can be re-entered or deleted from under it.
LocalSocketListener::ReadStatus LocalSocketListener::readAvailable(Peer *peer, int frameLimit, qint64 *budget)
{
    int room = frameLimit;
    // A read that filled less than the room it was given took all the socket had: asking
    // again would be one more system call per wake-up for EAGAIN (in a ping-pong, one per
    // message). What arrives later wakes the notifier again.
    bool socketEmptied = false;
    for (;;) {
        // What an earlier call left buffered goes first.
        if (!peer->readingLargePayload && !takeBufferedFrames(peer, &room))
            return ReadStatus::Dropped;
        if (room == 0)
            return ReadStatus::MoreBuffered;
        if (*budget <= 0 || socketEmptied)
            return ReadStatus::Drained;
        char *target;
        qsizetype space;
        if (peer->readingLargePayload) {
            target = peer->largeFrame.payload.data() + peer->largeFilled;
            space = peer->largeFrame.payload.size() - peer->largeFilled;
        } else {
            if (peer->buffer.size() - peer->end < MinimumFreeSpace) {
                std::memmove(peer->buffer.data(), peer->buffer.constData() + peer->start,
                             size_t(peer->end - peer->start));
                peer->end -= peer->start;
                peer->start = 0;
            }
            target = peer->buffer.data() + peer->end;
            space = peer->buffer.size() - peer->end;
        }
        FileDescriptor passed;
        bool refused = false;
        const ssize_t received = receiveWithDescriptor(peer->fd.get(), target, size_t(space), &passed, &refused);
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return ReadStatus::Drained;
        if ((refused || passed.isValid()) && !adoptSharedPayloads(peer, std::move(passed), refused))
            return ReadStatus::Dropped;
        if (received <= 0) {
            const bool partial = peer->readingLargePayload || peer->end > peer->start;
            // A sender that exits with acknowledgements unread resets the connection; all
            // it wrote was read before the error shows, so that is an orderly end too.
            const bool orderly = received == 0 || errno == ECONNRESET;
            if (partial || !orderly) {
                dropPeer(peer, received < 0 ? systemErrorString(errno)
                                            : QStringLiteral("the sender left in the middle of a "
                                                             "message; the partial message is "
                                                             "discarded"));
            } else {
                dropPeer(peer, QString()); // an orderly disconnect
            }
            return ReadStatus::Dropped;
        }
        *budget -= received;
        socketEmptied = received < space;
        if (peer->readingLargePayload) {
            peer->largeFilled += received;
            if (peer->largeFilled < peer->largeFrame.payload.size())
                continue;
            peer->readingLargePayload = false;
            ++peer->framesTaken;
            --room;
            QString error;
            if (payloadMatchesType(peer->largeFrame.head.meta.payloadType, peer->largeFrame.payload, &error)) {
                m_sink->frameReceived(std::move(peer->largeFrame), XDTransport::LocalSocket);
            } else {
                qCWarning(lcXDLocalSocket, "dropping a message from a sender: %ls", qUtf16Printable(error));
            }
            peer->largeFrame = Frame();
            continue;
        }
        peer->end += received;
    }
}

// False when the peer was dropped: it passed more than one ring, or one that is not safe to map.
bool LocalSocketListener::adoptSharedPayloads(Peer *peer, FileDescriptor passed, bool refused)
{
    QString error;
    if (refused) {
        // Truncated control data looks the same from here: this process may be at its
        // limit of open files.
        error = QStringLiteral("the sender passed more than one descriptor, or this process could not take it "
                               "(at its limit of open files?)");
    } else if (peer->sharedPayloads) {
        // Frames already read may point into the first one.
        error = QStringLiteral("the sender passed a second ring of shared memory");
    } else if ((peer->sharedPayloads = SharedPayloadMapping::adopt(std::move(passed), &error))) {
        return true;
    }
    dropPeer(peer, error);
    return false;
}

// False when the peer was dropped: it pointed outside the ring it passed, or passed none.
bool LocalSocketListener::takeSharedPayload(Peer *peer, Frame *frame)
{
    if (peer->sharedPayloads
        && peer->sharedPayloads->copyOut(frame->head.sharedPayloadOffset, frame->head.payloadLength, &frame->payload))
        return true;
    dropPeer(peer, peer->sharedPayloads ? QStringLiteral("a shared-memory payload outside the ring the sender passed")
                                        : QStringLiteral("a shared-memory payload before any ring was passed"));
    return false;
}

// False when the peer was dropped for broken framing.
bool LocalSocketListener::takeBufferedFrames(Peer *peer, int *room)
{
    // A frame whose framing is intact but whose content is not acceptable is dropped
    // alone; the sender's other messages still count.
    const auto skipFrame = [peer, room](const FrameHead &head, const QString &error) {
        qCWarning(lcXDLocalSocket, "dropping a message from a sender: %ls", qUtf16Printable(error));
        peer->skipping = head.frameSize();
        ++peer->framesTaken;
        --*room;
    };
    while (*room > 0) {
        if (peer->skipping > 0) {
            const qint64 skipped = qMin<qint64>(peer->skipping, peer->end - peer->start);
            peer->start += qsizetype(skipped);
            peer->skipping -= skipped;
            if (peer->skipping > 0)
                break;
        }
        // Every read ends on a short rest, mostly none: that needs no frame built to tell.
        if (peer->end - peer->start < FrameHeaderSize)
            break;
        const QByteArrayView data(peer->buffer.constData() + peer->start, peer->end - peer->start);
        Frame frame;
        frame.head.channel = peer->lastChannel;
        frame.head.senderName = peer->lastSenderName;
        QString error;
        const DecodeStatus status = decodeFrameHead(data, m_sink->maximumMessageSize(), &frame.head, &error);
        if (status == DecodeStatus::Complete) {
            // Kept unless they changed: assigning the same data is still two atomic operations.
            if (!frame.head.channel.isSharedWith(peer->lastChannel))
                peer->lastChannel = frame.head.channel;
            if (!frame.head.senderName.isSharedWith(peer->lastSenderName))
                peer->lastSenderName = frame.head.senderName;
        }
        if (status == DecodeStatus::Malformed) {
            dropPeer(peer, QStringLiteral("malformed frame: %1").arg(error));
            return false;
        }
        if (status == DecodeStatus::NeedMoreData)
            break;
        if (status == DecodeStatus::Invalid) {
            skipFrame(frame.head, error);
            continue;
        }
        if (frame.head.hasSharedPayload()) {
            if (!takeSharedPayload(peer, &frame))
                return false;
            if (!payloadMatchesType(frame.head.meta.payloadType, frame.payload, &error)) {
                skipFrame(frame.head, error);
                continue;
            }
            peer->start += frame.head.frameSize();
            frame.head.meta.flags &= ~SharedPayloadFlag; // from here on, an ordinary frame
            ++peer->framesTaken;
            // Delivered alone: the allocator then gives the next one the memory this one
            // frees, still in the cache, where several at a time would grow the heap and
            // hand it back (fresh pages for every megabyte).
            *room = 0;
            m_sink->frameReceived(std::move(frame), XDTransport::LocalSocket);
            continue;
        }
        const qsizetype bufferedPayload = data.size() - frame.head.headSize;
        if (bufferedPayload < qsizetype(frame.head.payloadLength)) {
            if (frame.head.payloadLength < LargePayloadThreshold)
                break;
            // Read the rest of a large payload straight into its final buffer.
            frame.payload = QByteArray(frame.head.payloadLength, Qt::Uninitialized);
            std::memcpy(frame.payload.data(), data.data() + frame.head.headSize, size_t(bufferedPayload));
            peer->largeFrame = std::move(frame);
            peer->largeFilled = bufferedPayload;
            peer->readingLargePayload = true;
            peer->start = peer->end = 0;
            return true;
        }
        const QByteArrayView payload = data.sliced(frame.head.headSize, frame.head.payloadLength);
        if (!payloadMatchesType(frame.head.meta.payloadType, payload, &error)) {
            skipFrame(frame.head, error);
            continue;
        }
        frame.payload = payload.toByteArray();
        peer->start += frame.head.frameSize();
        ++peer->framesTaken;
        --*room;
        m_sink->frameReceived(std::move(frame), XDTransport::LocalSocket);
    }
    if (peer->start == peer->end)
        peer->start = peer->end = 0;
    return true;
}

} // namespace XDMessagingPrivate
