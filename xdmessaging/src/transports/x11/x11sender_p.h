// SPDX-License-Identifier: MIT
#pragma once

#include "core/deliveryledger_p.h"
#include "core/listenergenerations_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>
#include <QtCore/QSet>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

namespace XDMessagingPrivate {

class X11Display;

// The sending side of the native-window transport, one per process and display. It
// keeps its own X connection (never Qt's, so any thread may send), caches the
// registry and the listeners' manifests, and refreshes them when PropertyNotify or
// DestroyNotify events say they changed. A frame goes out as an append to the
// listener's inbox property, in pieces of one request each that name this sender and
// the message (codec/x11inbox_p.h): no server grab. Each piece names this sender's
// acknowledgement window; listeners report there what they took, and a
// listener window destroyed with frames it never took has them reported lost. A library
// thread reads the connection's events (acknowledgements, windows destroyed) and
// flushes what a busy sender appended.
class X11Sender final : public SenderTransport
{
public:
    static std::shared_ptr<X11Sender> instance(TransportFailure *failure);
    ~X11Sender() override;

    XDTransport kind() const override { return XDTransport::NativeWindow; }
    quint64 listenersGeneration(TransportFailure *failure) override;
    QList<ListenerRecord> listenersOf(const QString &channel, TransportFailure *failure) override;
    QList<ListenerRecord> liveListeners() override;
    DeliveryOutcome deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                            const DeliveryOptions &options) override;
    bool flush(quint64 senderToken, QDeadlineTimer deadline) override;
    // How many times the last refresh of the listeners (in this process) waited for the
    // X server: a handful, however many listeners there are. For tests.
    static quint64 lastRefreshRoundTrips();
    // How many times sends (in this process) read the X connection to learn whether the
    // listeners changed. For tests: a send to listeners that are all known reads nothing.
    static quint64 registryChecksBySends();

private:
    struct Target
    {
        ListenerRecord record;
        quint32 window = 0;
        bool stalled = false;
    };

    // What one listener window owes this sender, kept apart from the targets: a window
    // that left the registry may still take, or lose, what it was sent.
    struct WaitingFrame
    {
        EncodedFrame frame;
        quint64 senderToken = 0;
    };
    struct WindowLedger
    {
        DeliveryLedger ledger;
        std::deque<qint64> unacknowledgedSizes; // of the frames the ledger still holds
        qint64 unacknowledgedBytes = 0;
        // Accepted, not yet appended: the inbox holds all it may. Appended, in order, as
        // the listener acknowledges what it took.
        std::deque<WaitingFrame> waiting;
        qint64 waitingBytes = 0;
        QString description;
    };
    // Appends what waits for window, as far as its inbox has room. Appending a large frame
    // flushes, and a flush reads events: an acknowledgement read then asks for a drain,
    // which the one running does next (two at once would both take the same frame).
    void drainLocked(quint32 window);
    void drainWindowLocked(quint32 window);
    bool anyWaitingLocked() const;
    bool owesAnyLocked() const;
    void markStaleLocked();
    // Whether the listeners known are still all there are, learned without a system call.
    bool listenersUnchangedLocked();

    X11Sender(std::unique_ptr<X11Display> display, std::shared_ptr<ListenerGenerations> generations);
    // Socket: reads what arrived. Queue: only what xcb already read (a round trip or a
    // flush reads events into its queue, where poll() on the socket no longer sees them).
    enum class EventSource { Socket, Queue };
    void pumpEventsLocked(EventSource source);
    void flushLocked();
    void acknowledgedLocked(quint32 listenerWindow, quint64 count);
    void windowDestroyedLocked(quint32 window);
    void refresh(std::unique_lock<std::mutex> &lock);
    // Reads the events that arrived and refreshes what they made stale; false with
    // *failure when the X connection is lost.
    bool refreshIfStaleLocked(std::unique_lock<std::mutex> &lock, TransportFailure *failure);
    QHash<QUuid, Target> readTargets(const QList<quint32> &known);
    void appendLocked(quint32 window, WindowLedger &owed, const EncodedFrame &frame, quint64 senderToken);
    // Sends what was appended: at once when the sender was idle (latency), else by the
    // event thread, which takes everything appended until it runs (one write for many).
    void flushSoonLocked();
    void runEventThread();
    void wakeEventThread();

    std::unique_ptr<X11Display> m_display;
    std::mutex m_mutex;
    bool m_stale = true; // the cache must be reloaded before use; set by markStaleLocked()
    bool m_refreshing = false; // a thread reads the listeners, without the lock
    std::condition_variable m_refreshed;
    QHash<QUuid, Target> m_targets;
    std::atomic<quint64> m_targetsGeneration {0}; // moves whenever m_targets is read again
    std::shared_ptr<ListenerGenerations> m_generations; // none without a runtime directory
    quint64 m_seenGeneration = 0; // the native-window one, when the connection was last read for it
    // The native-window generation at which a send found nothing stale, refreshing or
    // owed, or NotUnchanged. A send reading that value from the counter needs neither the
    // connection nor the lock; whatever would make it read the connection clears this
    // first, under the lock (markStaleLocked(), refresh(), appendLocked()).
    static constexpr quint64 NotUnchanged = ~quint64(0);
    std::atomic<quint64> m_unchangedAtGeneration {NotUnchanged};
    QHash<quint32, WindowLedger> m_ledgers; // by listener window
    QSet<quint32> m_drainsAsked; // windows acknowledged while a drain was running
    bool m_draining = false;
    quint32 m_acknowledgementWindow = 0;
    quint32 m_lastSerial = 0; // of the messages appended, for the listeners' reassembly
    int m_wakeFd = -1;
    bool m_flushPending = false;
    bool m_appendedSinceSync = false; // what flush() must wait for the server to answer
    qint64 m_flushDueNs = 0;
    bool m_stopping = false;
    qint64 m_lastFlushNs = 0;
    std::thread m_eventThread; // last: it starts once everything above exists
};

} // namespace XDMessagingPrivate
