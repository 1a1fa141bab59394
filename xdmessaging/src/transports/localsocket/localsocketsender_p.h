// SPDX-License-Identifier: MIT
#pragma once

#include "core/deliveryledger_p.h"
#include "core/transport_p.h"
#include "transports/localsocket/queueblocks_p.h"

#include <QtCore/QHash>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

struct iovec;

namespace XDMessagingPrivate {

class LocalSocketDirectory;
class SharedPayloadRing;

// The sending side of the local-socket transport, one per process and runtime
// directory. Callers (any thread) append frames to a per-listener queue; a library
// thread writes the queues out with sendmsg(), many frames per system call, and
// watches for listeners that close. Callers wait only when a queue is over its limit,
// and never past their deadline. flush() waits for the socket (the listener may be in
// this very thread), but a frame written stays this sender's charge until the listener
// acknowledges it: when the listener dies first, it is reported lost.
class LocalSocketSender final : public SenderTransport
{
public:
    static std::shared_ptr<LocalSocketSender> instance(TransportFailure *failure);
    ~LocalSocketSender() override;

    XDTransport kind() const override { return XDTransport::LocalSocket; }
    quint64 listenersGeneration(TransportFailure *failure) override;
    QList<ListenerRecord> listenersOf(const QString &channel, TransportFailure *failure) override;
    QList<ListenerRecord> liveListeners() override;
    DeliveryOutcome deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                            const DeliveryOptions &options) override;
    bool flush(quint64 senderToken, QDeadlineTimer deadline) override;

private:
    struct QueuedFrame
    {
        char *copied = nullptr; // its start, copied into one of the batch's blocks
        qint64 copiedSize = 0;
        quint64 senderToken = 0;
        // The payload when not copied (null when it is): written from the caller's buffer,
        // or, inRing, copied into the connection's ring just before the frame's head, which
        // says where, is written.
        QByteArray payload;
        quint64 frameNumber = 0; // of the connection, counting from 1, for the ring
        bool inRing = false;
        bool ringPlaced = false;
        // Of what goes through the socket.
        qint64 size() const { return copiedSize + (inRing ? 0 : payload.size()); }
        // What it holds of the queue limit.
        qint64 heldSize() const { return copiedSize + payload.size(); }
    };
    struct PayloadCopy
    {
        char *target; // in the ring
        const QByteArray *payload;
    };
    // Frames in order. A frame's head, and its payload unless large, are copied into
    // the batch's blocks: a send then allocates nothing and keeps nothing of the caller's,
    // and consecutive small frames go out as one piece.
    struct Batch
    {
        QueueBlockBytes bytes; // the frames' copied parts
        QueueBlockList<QueuedFrame> frames;
        void append(const EncodedFrame &frame, quint64 senderToken, SpareQueueBlocks &spare);
        // A frame whose payload goes through the connection's ring: its head is copied, the
        // payload shared until the writer copies it into the ring.
        void appendShared(const EncodedFrame &frame, quint64 frameNumber, quint64 senderToken, SpareQueueBlocks &spare);
        bool isEmpty() const { return frames.empty(); }
        void clear(SpareQueueBlocks &spare);
    };
    struct Connection
    {
        QUuid id;
        QString description;
        int fd = -1;
        // Callers append to queued. The writer (the I/O thread, or a caller finding the
        // connection idle) swaps it with writing once all of writing went out, and writes
        // from writing without the lock: nobody else touches it.
        Batch queued;
        Batch writing;
        bool writerActive = false;
        size_t writingFrame = 0; // the first frame of writing not written in full
        qint64 headOffset = 0; // bytes of that frame already written
        qint64 queuedBytes = 0; // of both batches, not yet written
        // The frames of both batches by sender, acknowledged as written: what flush() waits for.
        DeliveryLedger unwritten;
        bool hasQueuedFrames() const { return writingFrame < writing.frames.size() || !queued.isEmpty(); }
        DeliveryLedger written; // written to the socket, not yet acknowledged
        QByteArray acknowledgementBytes; // the start of one not yet read in full
        // The writer's pieces for sendmsg(), kept: allocating them for every write is a
        // malloc() of kilobytes for each message of a ping-pong.
        std::vector<iovec> vectors;
        // Large payloads go through it when the listener has the feature; made for the first.
        std::unique_ptr<SharedPayloadRing> sharedPayloads;
        bool sharedPayloadsPassed = false; // its descriptor went out with a write
        bool sharedPayloadsUnavailable = false; // the system refused one; not tried again
        bool waitingRingRoom = false; // the next frame waits for the listener to free room
        bool waitingWritable = false;
        bool stalled = false; // timed out once; fail at once until it drains
        bool closed = false;
        ~Connection();
    };
    using ConnectionPtr = std::shared_ptr<Connection>;

    explicit LocalSocketSender(std::shared_ptr<LocalSocketDirectory> directory);
    void refreshListenersLocked();
    void checkDirectoryLocked();
    // The connection to listener, made if need be: an entry of m_connectionList, valid
    // while the lock is held and the list unchanged. Null, with outcome set, when none.
    const ConnectionPtr *connectionLocked(const ListenerRecord &listener, const DeliveryOptions &options,
                                          std::unique_lock<std::mutex> &lock, DeliveryOutcome *outcome);
    // The open connection to id if it is the last one delivered to or the one after it:
    // a stream to one listener, or a fan-out, looks up no hash. Null otherwise.
    const ConnectionPtr *recentConnectionLocked(const QUuid &id);
    void removeStaleLocked(const QUuid &id);
    void addConnectionLocked(const ConnectionPtr &connection);
    void removeConnectionLocked(const QUuid &id);
    void wakeIoThreadLocked();
    // Whether frame's payload goes through the connection's ring (made for the first):
    // large enough, and the system gave a ring.
    static bool sharesPayloadLocked(Connection &connection, const EncodedFrame &frame);
    // The listener took framesTaken frames of connection: their room in its ring is free.
    void releaseSharedPayloadsLocked(Connection &connection, quint64 framesTaken);

    void ioThreadMain();
    // Whether a frame of senderToken (any, when 0) waits to be written.
    bool hasUnwrittenLocked(quint64 senderToken) const;
    qint64 unwrittenCountLocked() const;
    // Writes what is queued for connection until it is all out or the socket is full,
    // unless another thread is writing it.
    void writeConnection(const ConnectionPtr &connection, std::unique_lock<std::mutex> &lock);
    void writeQueuedFrames(const ConnectionPtr &connection, std::unique_lock<std::mutex> &lock);
    // Reserves room in the ring for the payloads of the frames the next sendmsg() may
    // take, and returns where those frames end: at the first that finds no room.
    static size_t placeSharedPayloadsLocked(Connection &connection, std::vector<PayloadCopy> &copies);
    // What of connection's writing batch, up to frame end, goes into the next sendmsg().
    static void gatherWriting(const Connection &connection, size_t end, std::vector<iovec> &vectors);
    // What one sendmsg() of the writing batch completed.
    struct WriteProgress
    {
        size_t framesDone = 0; // written in full
        qint64 heldSize = 0; // what those held of the queue limit
        qint64 headOffset = 0; // the next value of the connection's
    };
    // The frames written bytes completed; lets go of their payloads. Without the lock: it
    // reads only the writer's own state (see writeQueuedFrames()).
    static WriteProgress measureWrite(Connection &connection, qint64 written);
    // Moves past those frames, into the connection's ledgers, and returns how many.
    static quint64 recordWriteLocked(Connection &connection, const WriteProgress &progress);
    // Reads what the listener sent back; false when the connection was closed.
    bool readAcknowledgementsLocked(const ConnectionPtr &connection);
    void closeConnectionLocked(const ConnectionPtr &connection, const QString &reason);

    const std::shared_ptr<LocalSocketDirectory> m_directory;
    std::mutex m_mutex;
    std::condition_variable m_progress; // signalled whenever queued data moves
    // Written under m_mutex; atomic so that listenersGeneration() can tell that nothing
    // changed without taking the lock the I/O thread writes under.
    std::atomic<quint64> m_listenersGeneration {~quint64(0)}; // the directory's, when m_listeners was read
    std::atomic<quint64> m_listenersChanges {0}; // what listenersGeneration() says: m_listeners changed
    std::atomic<qint64> m_nextDirectoryCheckMs {0}; // by coarseNowMs()
    std::atomic<bool> m_directoryBroken {false};
    QString m_directoryError;
    QList<ListenerRecord> m_listeners;
    QHash<QString, QList<ListenerRecord>> m_listenersByChannel; // filled on demand
    QHash<QUuid, ConnectionPtr> m_connections;
    SpareQueueBlocks m_spareBlocks; // of all connections' batches, under m_mutex
    // The same connections as a list: the I/O thread copies it on every wake-up, and
    // copying a hash walks all its buckets.
    std::vector<ConnectionPtr> m_connectionList;
    // Where in m_connectionList the last connection delivered to is. A send goes to a
    // channel's listeners in the same order every time, the order their connections were
    // made in: that one and the next are tried before the hash (see recentConnectionLocked()).
    size_t m_lastConnectionIndex = 0;
    int m_wakeFd = -1;
    bool m_wakePending = false;
    std::chrono::steady_clock::time_point m_lastDelivery; // of the last frame handed over
    bool m_stopping = false;
    std::thread m_ioThread;
};

} // namespace XDMessagingPrivate
