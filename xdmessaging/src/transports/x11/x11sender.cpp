// SPDX-License-Identifier: MIT
#include "transports/x11/x11sender_p.h"

#include "codec/x11inbox_p.h"
#include "core/logging_p.h"
#include "core/runtimedir_p.h"
#include "transports/x11/x11display_p.h"

#include <xcb/xcbext.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

constexpr std::chrono::milliseconds StalledPollInterval(1);
// The least a listener's inbox may hold that it has not acknowledged (see deliver()): the
// X server copies the whole inbox on every append, so one stopped listener must not make
// it large.
constexpr qint64 MaximumInboxBytes = 256 * 1024;
// A sender that flushed longer ago than this is idle: its next message goes out at once.
constexpr qint64 IdleFlushNs = 50'000;
// How long the flusher lets appends of a busy sender gather before writing them.
constexpr std::chrono::microseconds FlushDelay(100);
// How soon a listener window destroyed with frames it had not taken is noticed when
// nothing is sent meanwhile (a send notices at once).
constexpr std::chrono::milliseconds WatchInterval(100);
// The largest request a piece takes, even where BIG-REQUESTS allows 16 MiB: the X server
// serves one request at a time, and other clients wait less behind small ones.
constexpr qint64 MaximumPieceBytes = 256 * 1024;

std::atomic<quint64> lastRefreshRoundTripsCount {0};
std::atomic<quint64> registryChecksBySendsCount {0};

std::shared_ptr<ListenerGenerations> openGenerations(const QString &path)
{
    QString error;
    std::shared_ptr<ListenerGenerations> generations = ListenerGenerations::openCreatingDirectory(path, &error);
    if (!generations)
        qCDebug(lcXDX11, "every send reads the X connection for new listeners: %ls", qUtf16Printable(error));
    return generations;
}

qint64 monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

DeliveryOutcome failed(XDError error, const QString &reason)
{
    return {DeliveryOutcome::Status::Failed, error, reason};
}

QString describe(const ListenerRecord &listener)
{
    return QStringLiteral("listener \"%1\" (pid %2, id %3, native window)")
            .arg(listener.name)
            .arg(listener.pid)
            .arg(listener.id.toString(QUuid::Id128).left(8));
}

} // namespace

std::shared_ptr<X11Sender> X11Sender::instance(TransportFailure *failure)
{
    // The category must outlive the senders below, which may log while the process exits.
    lcXDX11();
    static std::mutex mutex;
    // Per display, and per runtime directory: its listeners say there when they changed.
    static QHash<QString, std::shared_ptr<X11Sender>> senders;
    const QString runtimeDirectory = runtimeDirectoryPath();
    const QString key = qEnvironmentVariable("DISPLAY") + QLatin1Char('\n') + runtimeDirectory;
    std::lock_guard lock(mutex);
    std::shared_ptr<X11Sender> &sender = senders[key];
    if (!sender) {
        QString error;
        std::unique_ptr<X11Display> display = X11Display::open(&error);
        if (!display) {
            senders.remove(key);
            *failure = {XDError::TransportUnavailable, error};
            return {};
        }
        sender.reset(new X11Sender(std::move(display), openGenerations(runtimeDirectory)));
    }
    return sender;
}

X11Sender::X11Sender(std::unique_ptr<X11Display> display, std::shared_ptr<ListenerGenerations> generations)
    : m_display(std::move(display)), m_generations(std::move(generations)),
      m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    xcb_connection_t *connection = m_display->connection();
    // Registry changes arrive as PropertyNotify on the root window.
    const uint32_t events = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(connection, m_display->root(), XCB_CW_EVENT_MASK, &events);
    m_acknowledgementWindow = xcb_generate_id(connection);
    xcb_create_window(connection, 0, m_acknowledgementWindow, m_display->root(), -1, -1, 1, 1, 0,
                      XCB_WINDOW_CLASS_INPUT_ONLY, XCB_COPY_FROM_PARENT, 0, nullptr);
    xcb_flush(connection);
    m_eventThread = std::thread([this] { runEventThread(); });
}

X11Sender::~X11Sender()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    wakeEventThread();
    m_eventThread.join(); // it flushed what was pending on its way out
    ::close(m_wakeFd);
    qint64 waiting = 0;
    for (const WindowLedger &owed : std::as_const(m_ledgers))
        waiting += qint64(owed.waiting.size());
    if (waiting > 0)
        qCWarning(lcXDX11,
                  "%lld messages were still waiting for listeners that did not read them when the "
                  "process exited",
                  waiting);
}

void X11Sender::wakeEventThread()
{
    const quint64 one = 1;
    [[maybe_unused]] const ssize_t written = ::write(m_wakeFd, &one, sizeof one);
}

// Flushes what a busy sender appended, and reads the connection's events while nobody
// sends: a listener killed after its last message was appended must still be reported,
// every WatchInterval: an acknowledgement is no reason to wake up. Owing nothing, it
// watches the connection, whose events are then registry changes and windows destroyed
// that sends do not read themselves (see listenersUnchangedLocked()).
void X11Sender::runEventThread()
{
    pollfd sources[2] = {{m_wakeFd, POLLIN, 0}, {xcb_get_file_descriptor(m_display->connection()), POLLIN, 0}};
    std::unique_lock lock(m_mutex);
    for (;;) {
        pumpEventsLocked(EventSource::Socket);
        const qint64 now = monotonicNs();
        if (m_stopping || (m_flushPending && now >= m_flushDueNs)) {
            m_flushPending = false;
            flushLocked();
        }
        if (m_stopping || xcb_connection_has_error(m_display->connection()))
            return;
        const bool owed = owesAnyLocked();
        qint64 waitNs = owed ? std::chrono::nanoseconds(WatchInterval).count() : -1;
        if (m_flushPending)
            waitNs = qMax<qint64>(0, m_flushDueNs - now);
        const timespec wait {time_t(waitNs / 1'000'000'000), long(waitNs % 1'000'000'000)};
        // Frames waiting for room: acknowledgements are wanted as soon as they come. A
        // refresh reads the connection itself, and wakes this thread when it is done.
        const nfds_t watched = (!owed && !m_refreshing) || anyWaitingLocked() ? 2 : 1;
        lock.unlock();
        ::ppoll(sources, watched, waitNs >= 0 ? &wait : nullptr, nullptr);
        if (sources[0].revents & POLLIN) {
            quint64 count;
            [[maybe_unused]] const ssize_t drained = ::read(m_wakeFd, &count, sizeof count);
        }
        lock.lock();
    }
}

void X11Sender::flushSoonLocked()
{
    if (m_flushPending)
        return; // the event thread takes this one too
    const qint64 now = monotonicNs();
    if (now - m_lastFlushNs > IdleFlushNs) {
        flushLocked();
        return;
    }
    // Let a busy sender append a few more: one write then carries them all.
    m_flushPending = true;
    m_flushDueNs = now + std::chrono::nanoseconds(FlushDelay).count();
    wakeEventThread();
}

void X11Sender::pumpEventsLocked(EventSource source)
{
    xcb_connection_t *connection = m_display->connection();
    for (;;) {
        xcb_generic_event_t *event =
                source == EventSource::Socket ? xcb_poll_for_event(connection) : xcb_poll_for_queued_event(connection);
        if (!event)
            return;
        const uint8_t type = event->response_type & ~0x80;
        xcb_window_t listenerWindow = 0;
        quint64 count = 0;
        if (m_display->parseAcknowledgement(event, m_acknowledgementWindow, &listenerWindow, &count)) {
            acknowledgedLocked(listenerWindow, count);
        } else if (type == XCB_PROPERTY_NOTIFY) {
            const auto *notify = reinterpret_cast<xcb_property_notify_event_t *>(event);
            if (notify->atom == m_display->registryAtom())
                markStaleLocked();
        } else if (type == XCB_DESTROY_NOTIFY) {
            windowDestroyedLocked(reinterpret_cast<xcb_destroy_notify_event_t *>(event)->window);
            markStaleLocked();
        } else if (type == 0) {
            markStaleLocked(); // a request hit a window that had died
        }
        std::free(event);
    }
}

void X11Sender::flushLocked()
{
    xcb_flush(m_display->connection());
    m_lastFlushNs = monotonicNs();
    // Writing may have read events into xcb's queue, where the event thread's poll()
    // cannot see them.
    pumpEventsLocked(EventSource::Queue);
}

void X11Sender::acknowledgedLocked(quint32 listenerWindow, quint64 count)
{
    const auto found = m_ledgers.find(listenerWindow);
    if (found == m_ledgers.end())
        return;
    DeliveryLedger &ledger = found->ledger;
    if (!ledger.acknowledge(ledger.acknowledgedCount() + count)) {
        qCWarning(lcXDX11, "ignoring an acknowledgement of more than was sent to window 0x%x", listenerWindow);
        return;
    }
    for (quint64 i = 0; i < count; ++i) {
        found->unacknowledgedBytes -= found->unacknowledgedSizes.front();
        found->unacknowledgedSizes.pop_front();
    }
    drainLocked(listenerWindow);
}

// Whatever the window had not taken is lost: in its inbox, or read by a listener that
// died before it could say so.
void X11Sender::windowDestroyedLocked(quint32 window)
{
    // The targets are read again (the event marked them stale), not changed here: by the
    // time this event is read, the X server may have given the id to a new window.
    const auto found = m_ledgers.find(window);
    if (found == m_ledgers.end())
        return;
    const QString description = found->description;
    QHash<quint64, qint64> lost = found->ledger.takeUnacknowledged();
    for (const WaitingFrame &waiting : found->waiting)
        ++lost[waiting.senderToken];
    m_ledgers.erase(found);
    const QString reason = QStringLiteral("its window was destroyed before it took them");
    for (auto it = lost.cbegin(); it != lost.cend(); ++it) {
        qCWarning(lcXDX11, "%lld messages lost: %ls %ls", it.value(), qUtf16Printable(description),
                  qUtf16Printable(reason));
        reportLostMessages(it.key(), description, int(it.value()), reason);
    }
}

// Reads the registry and every listener's manifest again; removes entries whose window
// is gone, and ignores (with a warning) manifests that are not valid. The round trips go
// without the lock: other threads go on sending to the listeners known so far, and a
// thread that needs the new list waits for this one instead of asking the server again.
void X11Sender::refresh(std::unique_lock<std::mutex> &lock)
{
    if (m_refreshing) {
        m_refreshed.wait(lock, [this] { return !m_refreshing; });
        return;
    }
    // Any change notified from here on means: read again. That includes the one our own
    // cleanup below causes (one more refresh, which finds nothing to clean), and a
    // listener registering while we read, which must not be lost.
    m_stale = false;
    m_refreshing = true;
    m_unchangedAtGeneration = NotUnchanged;
    // A listener we know whose window lives stays, even when a concurrent cleanup wrote it
    // out of the registry for a moment (it puts itself back).
    QList<quint32> known;
    for (const Target &target : std::as_const(m_targets))
        known.append(target.window);
    lock.unlock();
    const quint64 roundTripsBefore = m_display->roundTrips();
    QHash<QUuid, Target> targets = readTargets(known);
    lastRefreshRoundTripsCount = m_display->roundTrips() - roundTripsBefore;
    lock.lock();
    for (Target &target : targets) {
        const auto previous = m_targets.constFind(target.record.id);
        if (previous != m_targets.constEnd() && previous->window == target.window)
            target.stalled = previous->stalled;
    }
    m_targets = std::move(targets);
    ++m_targetsGeneration;
    m_refreshing = false;
    m_refreshed.notify_all();
    pumpEventsLocked(EventSource::Queue); // round trips may queue events the event thread cannot see
    wakeEventThread(); // to watch the connection again
}

QHash<QUuid, X11Sender::Target> X11Sender::readTargets(const QList<quint32> &known)
{
    QHash<QUuid, Target> targets;
    const QList<X11Display::ListenerWindow> listeners = m_display->readListenerWindows(known);
    for (const X11Display::ListenerWindow &listener : listeners)
        targets.insert(listener.manifest.id, Target {listener.manifest, listener.window, false});
    return targets;
}

quint64 X11Sender::lastRefreshRoundTrips()
{
    return lastRefreshRoundTripsCount.load();
}

bool X11Sender::refreshIfStaleLocked(std::unique_lock<std::mutex> &lock, TransportFailure *failure)
{
    if (xcb_connection_has_error(m_display->connection())) {
        *failure = {XDError::TransportUnavailable, QStringLiteral("the X connection was lost")};
        return false;
    }
    pumpEventsLocked(EventSource::Socket); // a registry change before this send must be seen
    if (m_stale || m_refreshing)
        refresh(lock);
    return true;
}

quint64 X11Sender::listenersGeneration(TransportFailure *failure)
{
    // What nearly every send finds, told without the lock the event thread holds while it
    // reads the connection.
    const quint64 unchangedAt = m_unchangedAtGeneration.load();
    if (unchangedAt != NotUnchanged && m_generations
        && m_generations->load(ListenerGenerations::Counter::NativeWindow) == unchangedAt
        && !xcb_connection_has_error(m_display->connection()))
        return m_targetsGeneration.load();
    std::unique_lock lock(m_mutex);
    if (listenersUnchangedLocked()) {
        m_unchangedAtGeneration = m_seenGeneration;
        return m_targetsGeneration.load();
    }
    ++registryChecksBySendsCount;
    refreshIfStaleLocked(lock, failure);
    return m_targetsGeneration.load();
}

void X11Sender::markStaleLocked()
{
    m_stale = true;
    m_unchangedAtGeneration = NotUnchanged;
}

// Listeners of this user on this machine bump the native-window generation after the X
// server confirmed their registry change, so reading it before the connection misses none
// of theirs. Others (another runtime directory, another machine showing this display) are
// seen once the event thread read the change, which it watches for while nothing is owed.
// Owing something, a send reads the connection itself: acknowledgements come there.
bool X11Sender::listenersUnchangedLocked()
{
    if (!m_generations || m_stale || m_refreshing || owesAnyLocked()
        || xcb_connection_has_error(m_display->connection()))
        return false;
    const quint64 generation = m_generations->load(ListenerGenerations::Counter::NativeWindow);
    if (generation == m_seenGeneration)
        return true;
    m_seenGeneration = generation;
    return false;
}

quint64 X11Sender::registryChecksBySends()
{
    return registryChecksBySendsCount.load();
}

QList<ListenerRecord> X11Sender::listenersOf(const QString &channel, TransportFailure *failure)
{
    std::unique_lock lock(m_mutex);
    if (!refreshIfStaleLocked(lock, failure))
        return {};
    QList<ListenerRecord> matching;
    for (const Target &target : std::as_const(m_targets)) {
        if (target.record.channels.contains(channel))
            matching.append(target.record);
    }
    return matching;
}

QList<ListenerRecord> X11Sender::liveListeners()
{
    std::unique_lock lock(m_mutex);
    markStaleLocked(); // for a listing: always what the server says now
    refresh(lock);
    QList<ListenerRecord> records;
    for (const Target &target : std::as_const(m_targets))
        records.append(target.record);
    return records;
}

// A frame goes in as pieces of at most one request each, every piece naming this
// sender and the message: no server grab, and other senders' pieces may come between.
void X11Sender::appendLocked(quint32 window, WindowLedger &owed, const EncodedFrame &frame, quint64 senderToken)
{
    m_appendedSinceSync = true;
    m_unchangedAtGeneration = NotUnchanged; // owing, sends read the acknowledgements
    owed.ledger.handedOver(senderToken);
    owed.unacknowledgedSizes.push_back(frame.size());
    owed.unacknowledgedBytes += frame.size();
    if (++m_lastSerial == 0)
        m_lastSerial = 1;
    const qint64 room = qMin<qint64>(m_display->maximumPropertyChunk(), MaximumPieceBytes) - InboxPieceHeaderSize;
    const qint64 total = frame.size();
    for (qint64 at = 0; at < total;) {
        const qint64 length = qMin(room, total - at);
        QByteArray piece =
                encodeInboxPieceHeader({m_acknowledgementWindow, m_lastSerial, quint32(length), at + length == total});
        piece.reserve(InboxPieceHeaderSize + length);
        const qint64 fromHead = qMax<qint64>(0, qMin<qint64>(frame.head.size() - at, length));
        if (fromHead > 0)
            piece.append(frame.head.constData() + at, fromHead);
        if (length > fromHead)
            piece.append(frame.payload.constData() + (at + fromHead - frame.head.size()), length - fromHead);
        xcb_change_property(m_display->connection(), XCB_PROP_MODE_APPEND, window, m_display->inboxAtom(),
                            XCB_ATOM_STRING, 8, uint32_t(piece.size()), piece.constData());
        at += length;
    }
    if (total <= room)
        flushSoonLocked();
    else
        flushLocked(); // large: out now, rather than held in xcb's buffer
}

namespace {

// What an inbox may hold that its listener has not acknowledged, for frames of this size:
// the X server copies an inbox on every append, so it stays small (filling it costs the
// server little copying either way).
qint64 inboxLimit(qint64 frameSize)
{
    return qMax(MaximumInboxBytes, 4 * frameSize);
}

} // namespace

DeliveryOutcome X11Sender::deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                                   const DeliveryOptions &options)
{
    const DeliveryOutcome gone {DeliveryOutcome::Status::Gone, XDError::NoError, QString()};
    const qint64 size = frame.size();
    std::unique_lock lock(m_mutex);
    // No event pumping here, each pump is a read: listenersGeneration() did it for this send
    // when acknowledgements were owed, and else the event thread watches the connection.
    auto found = m_targets.find(listener.id);
    if (found == m_targets.end())
        return gone;
    WindowLedger *owed = &m_ledgers[found->window];
    if (owed->description.isEmpty())
        owed->description = describe(listener);
    const qint64 held = owed->unacknowledgedBytes;
    if (owed->waiting.empty() && (held == 0 || held + size <= qMin(options.queueLimit, inboxLimit(size)))) {
        found->stalled = false;
        appendLocked(found->window, *owed, frame, options.senderToken);
        if (xcb_connection_has_error(m_display->connection()))
            return failed(XDError::TransportUnavailable, QStringLiteral("the X connection was lost"));
        return {};
    }
    // The inbox is full: the frame waits here, up to the queue limit, and goes in as the
    // listener acknowledges. Beyond the limit a send waits for room, and fails at once
    // after one such wait timed out, as on the other transports.
    const auto hasRoom = [&] { return owed->waitingBytes == 0 || owed->waitingBytes + size <= options.queueLimit; };
    if (!hasRoom()) {
        // Until just before the deadline: saying why it failed takes a moment too.
        while (!found->stalled && options.timing.deadline().remainingTimeNSecs() > 1'000'000) {
            lock.unlock();
            std::this_thread::sleep_for(qMin<std::chrono::nanoseconds>(
                    StalledPollInterval,
                    std::chrono::nanoseconds(options.timing.deadline().remainingTimeNSecs() - 1'000'000)));
            lock.lock();
            pumpEventsLocked(EventSource::Socket); // acknowledgements, or the window's end
            found = m_targets.find(listener.id);
            if (found == m_targets.end() || !m_ledgers.contains(found->window))
                return gone;
            owed = &m_ledgers[found->window];
            if (hasRoom())
                break;
        }
        if (!hasRoom()) {
            found->stalled = true;
            return failed(XDError::ListenerNotReading,
                          QStringLiteral("%1 is not reading: %2 bytes wait for it, the limit is %3")
                                  .arg(describe(listener))
                                  .arg(owed->unacknowledgedBytes + owed->waitingBytes)
                                  .arg(options.queueLimit));
        }
    }
    found->stalled = false;
    owed->waiting.push_back({frame, options.senderToken});
    owed->waitingBytes += size;
    wakeEventThread(); // it now watches for acknowledgements
    return {};
}

void X11Sender::drainLocked(quint32 window)
{
    m_drainsAsked.insert(window);
    if (m_draining)
        return;
    m_draining = true;
    while (!m_drainsAsked.isEmpty()) {
        const quint32 next = *m_drainsAsked.cbegin();
        m_drainsAsked.erase(m_drainsAsked.cbegin());
        drainWindowLocked(next);
    }
    m_draining = false;
}

// The ledger is looked up again after each append: the flush may have read the window's
// destruction, which removes it.
void X11Sender::drainWindowLocked(quint32 window)
{
    for (;;) {
        const auto owed = m_ledgers.find(window);
        if (owed == m_ledgers.end() || owed->waiting.empty())
            return;
        const qint64 size = owed->waiting.front().frame.size();
        if (owed->unacknowledgedBytes > 0 && owed->unacknowledgedBytes + size > inboxLimit(size))
            return;
        const WaitingFrame next = std::move(owed->waiting.front());
        owed->waiting.pop_front();
        owed->waitingBytes -= size;
        appendLocked(window, *owed, next.frame, next.senderToken);
    }
}

bool X11Sender::owesAnyLocked() const
{
    return std::any_of(m_ledgers.cbegin(), m_ledgers.cend(),
                       [](const WindowLedger &entry) { return entry.ledger.unacknowledgedCount() > 0; });
}

bool X11Sender::anyWaitingLocked() const
{
    return std::any_of(m_ledgers.cbegin(), m_ledgers.cend(),
                       [](const WindowLedger &entry) { return !entry.waiting.empty(); });
}

// Every append has reached the server once it answers a request sent after them. A
// server that does not answer (stopped, swamped) is waited for until the deadline, and
// other senders may go on meanwhile.
bool X11Sender::flush(quint64, QDeadlineTimer deadline)
{
    std::unique_lock lock(m_mutex);
    xcb_connection_t *connection = m_display->connection();
    // Frames still waiting for room in an inbox go in as their listeners acknowledge.
    while (anyWaitingLocked()) {
        if (deadline.hasExpired() || xcb_connection_has_error(connection))
            return false;
        lock.unlock();
        std::this_thread::sleep_for(StalledPollInterval);
        lock.lock();
        pumpEventsLocked(EventSource::Socket);
    }
    m_flushPending = false;
    if (!m_appendedSinceSync) // a send through another transport, or none
        return !xcb_connection_has_error(connection);
    m_appendedSinceSync = false; // this sync answers for every append before it
    const unsigned int request = xcb_get_input_focus(connection).sequence;
    flushLocked();
    for (;;) {
        void *reply = nullptr;
        xcb_generic_error_t *error = nullptr;
        const bool answered = xcb_poll_for_reply(connection, request, &reply, &error) != 0;
        std::free(reply);
        std::free(error);
        pumpEventsLocked(EventSource::Queue); // polling reads events into xcb's queue too
        if (answered || xcb_connection_has_error(connection))
            break;
        if (deadline.hasExpired()) {
            xcb_discard_reply(connection, request);
            m_appendedSinceSync = true;
            return false;
        }
        lock.unlock();
        std::this_thread::sleep_for(std::chrono::microseconds(200));
        lock.lock();
    }
    return !xcb_connection_has_error(connection);
}

} // namespace XDMessagingPrivate
