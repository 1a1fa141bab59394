// SPDX-License-Identifier: MIT
#pragma once

#include "core/transport_p.h"

#include <QtCore/QHash>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace XDMessagingPrivate {

class X11Display;

// The sending side of the native-window transport, one per process and display. It
// keeps its own X connection (never Qt's, so any thread may send), caches the
// registry and the listeners' manifests, and refreshes them when PropertyNotify or
// DestroyNotify events say they changed. A frame goes out as an append to the
// listener's inbox property: one request when it fits, or a run of requests under a
// server grab, so that frames of different senders never interleave.
class X11Sender final : public SenderTransport
{
public:
    static std::shared_ptr<X11Sender> instance(TransportFailure *failure);
    ~X11Sender() override;

    XDTransport kind() const override { return XDTransport::NativeWindow; }
    QList<ListenerRecord> listenersOf(const QString &channel, TransportFailure *failure) override;
    QList<ListenerRecord> liveListeners() override;
    DeliveryOutcome deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                            const DeliveryOptions &options) override;
    bool flush(quint64 senderToken, QDeadlineTimer deadline) override;

private:
    struct Target
    {
        ListenerRecord record;
        quint32 window = 0;
        qint64 appendedSinceCheck = 0; // bytes appended since the inbox size was last read
        bool stalled = false;
    };

    explicit X11Sender(std::unique_ptr<X11Display> display);
    void pumpEventsLocked();
    void refreshLocked();
    qint64 inboxSizeLocked(quint32 window, bool *exists);
    void appendLocked(quint32 window, const EncodedFrame &frame);
    // Sends what was appended: at once when the sender was idle (latency), else by the
    // flusher thread, which takes everything appended until it runs (one write for many).
    void flushSoonLocked();
    void runFlusher();

    std::unique_ptr<X11Display> m_display;
    std::mutex m_mutex;
    bool m_stale = true; // the cache must be reloaded before use
    QHash<QUuid, Target> m_targets;
    std::condition_variable m_flushWanted;
    bool m_flushPending = false;
    bool m_stopping = false;
    qint64 m_lastFlushNs = 0;
    std::thread m_flusher; // last: it starts once everything above exists
};

} // namespace XDMessagingPrivate
