// SPDX-License-Identifier: MIT
#pragma once

#include "core/deliveryledger_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace XDMessagingPrivate {

class LocalSocketDirectory;

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
        EncodedFrame frame;
        quint64 senderToken;
    };
    struct Connection
    {
        QUuid id;
        QString description;
        int fd = -1;
        std::deque<QueuedFrame> queue;
        qint64 queuedBytes = 0;
        qint64 headOffset = 0; // bytes of queue.front() already written
        DeliveryLedger written; // written to the socket, not yet acknowledged
        QByteArray acknowledgementBytes; // the start of one not yet read in full
        bool waitingWritable = false;
        bool stalled = false; // timed out once; fail at once until it drains
        bool closed = false;
        ~Connection();
    };
    using ConnectionPtr = std::shared_ptr<Connection>;

    explicit LocalSocketSender(std::shared_ptr<LocalSocketDirectory> directory);
    void refreshListenersLocked();
    void checkDirectoryLocked();
    ConnectionPtr connectionLocked(const ListenerRecord &listener, const DeliveryOptions &options,
                                   std::unique_lock<std::mutex> &lock, DeliveryOutcome *outcome);
    void removeStaleLocked(const QUuid &id);
    void wakeIoThreadLocked();

    void ioThreadMain();
    void writeConnection(const ConnectionPtr &connection, std::unique_lock<std::mutex> &lock);
    // Reads what the listener sent back; false when the connection was closed.
    bool readAcknowledgementsLocked(const ConnectionPtr &connection);
    void closeConnectionLocked(const ConnectionPtr &connection, const QString &reason);
    void framesDoneLocked(quint64 senderToken, qint64 count);

    const std::shared_ptr<LocalSocketDirectory> m_directory;
    std::mutex m_mutex;
    std::condition_variable m_progress; // signalled whenever queued data moves
    quint64 m_listenersGeneration = ~quint64(0); // the directory's, when m_listeners was read
    quint64 m_listenersChanges = 0; // what listenersGeneration() says: m_listeners changed
    std::chrono::steady_clock::time_point m_nextDirectoryCheck;
    bool m_directoryBroken = false;
    QString m_directoryError;
    QList<ListenerRecord> m_listeners;
    QHash<QString, QList<ListenerRecord>> m_listenersByChannel; // filled on demand
    QHash<QUuid, ConnectionPtr> m_connections;
    QHash<quint64, qint64> m_pendingFramesBySender;
    int m_wakeFd = -1;
    bool m_wakePending = false;
    bool m_stopping = false;
    std::thread m_ioThread;
};

} // namespace XDMessagingPrivate
