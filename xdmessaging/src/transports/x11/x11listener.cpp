// SPDX-License-Identifier: MIT
#include "transports/x11/x11listener_p.h"

#include "core/logging_p.h"
#include "core/runtimedir_p.h"
#include "transports/x11/x11display_p.h"
#include "transports/x11/x11eventfilter_p.h"
#include "transports/x11/qtxcbconnection_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QThread>

#include <atomic>
#include <cstdlib>

namespace XDMessagingPrivate {

namespace {

std::atomic<quint64> filterDeliveries {0};

} // namespace

X11Listener::X11Listener(const ListenerManifest &, FrameSink *sink) : m_sink(sink) {}

X11Listener::~X11Listener()
{
    if (m_filterInstalled) {
        X11EventFilter::remove(this);
        // Qt's connection dies with the application: nothing to clean up after that.
        if (!QCoreApplication::instance())
            return;
    }
    if (!m_display || !m_window)
        return;
    acknowledge(); // before the window goes: what was taken is no loss
    if (m_registered) {
        m_display->announceLeaving(m_window);
        m_display->removeFromRegistry({m_window});
    }
    xcb_destroy_window(m_display->connection(), m_window);
    if (m_registered)
        registryChanged();
    xcb_flush(m_display->connection());
}

quint64 X11Listener::eventFilterDeliveries()
{
    return filterDeliveries.load();
}

bool X11Listener::start(TransportFailure *failure)
{
    // In a GUI application's GUI thread, messages come with Qt's own events; a listener
    // anywhere else reads a connection of its own.
    QString why;
    xcb_connection_t *qtConnection = qtXcbConnection(&why);
    if (!why.isEmpty())
        qCWarning(lcXDX11, "not receiving through Qt's X connection: %ls", qUtf16Printable(why));
    if (!(qtConnection ? useQtConnection(qtConnection, failure) : useOwnConnection(failure)))
        return false;

    QString error;
    m_generations = ListenerGenerations::openCreatingDirectory(runtimeDirectoryPath(), &error);
    if (!m_generations)
        qCDebug(lcXDX11, "senders notice this listener through the X server alone: %ls", qUtf16Printable(error));

    xcb_connection_t *connection = m_display->connection();
    m_window = xcb_generate_id(connection);
    const uint32_t events = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_create_window(connection, 0, m_window, m_display->root(), -1, -1, 1, 1, 0, XCB_WINDOW_CLASS_INPUT_ONLY,
                      XCB_COPY_FROM_PARENT, XCB_CW_EVENT_MASK, &events);
    xcb_flush(connection);
    return true;
}

bool X11Listener::useQtConnection(xcb_connection_t *connection, TransportFailure *failure)
{
    QString error;
    m_display = X11Display::borrow(connection, &error);
    if (!m_display) {
        *failure = {XDError::TransportUnavailable, error};
        return false;
    }
    X11EventFilter::add(this);
    m_filterInstalled = true;
    return true;
}

bool X11Listener::useOwnConnection(TransportFailure *failure)
{
    QString error;
    m_display = X11Display::openWatchingRegistry(&error);
    if (!m_display) {
        *failure = {XDError::TransportUnavailable, error};
        return false;
    }
    auto *notifier = new QSocketNotifier(xcb_get_file_descriptor(m_display->connection()), QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, &X11Listener::readOwnEvents);
    return true;
}

bool X11Listener::publish(const ListenerManifest &manifest, QString *error)
{
    xcb_connection_t *connection = m_display->connection();
    const QByteArray description = encodeManifest(manifest);
    xcb_change_property(connection, XCB_PROP_MODE_REPLACE, m_window, m_display->listenerAtom(), m_display->utf8Atom(),
                        8, uint32_t(description.size()), description.constData());
    if (!m_registered) {
        m_display->addToRegistry(m_window);
        m_registered = true;
    } else {
        m_display->touchRegistry();
    }
    registryChanged(); // senders that look after this returns find the new channels
    handleQueuedOwnEvents();
    if (xcb_connection_has_error(connection)) {
        *error = QStringLiteral("the X connection broke");
        return false;
    }
    return true;
}

bool X11Listener::filterEvent(const xcb_generic_event_t *event)
{
    if (isRegistryChange(event)) {
        // Checking takes a round trip: not inside Qt's event filter.
        if (!m_registryCheckScheduled) {
            m_registryCheckScheduled = true;
            QMetaObject::invokeMethod(
                    this,
                    [this] {
                        m_registryCheckScheduled = false;
                        keepRegistered();
                    },
                    Qt::QueuedConnection);
        }
        return false; // the root window's events are Qt's too
    }
    if (handleSenderGone(event))
        return false; // not Qt's window, but nothing to hide either
    if (!isOurs(event))
        return false; // Qt's own events pass untouched
    ++filterDeliveries;
    handleEvent(event);
    return true;
}

bool X11Listener::isRegistryChange(const xcb_generic_event_t *event) const
{
    if ((event->response_type & ~0x80) != XCB_PROPERTY_NOTIFY)
        return false;
    const auto *notify = reinterpret_cast<const xcb_property_notify_event_t *>(event);
    return notify->window == m_display->root() && notify->atom == m_display->registryAtom();
}

// Another client may rewrite or wipe the registry; put this window back when it is gone.
void X11Listener::keepRegistered()
{
    if (!m_registered || m_display->readRegistry().contains(m_window))
        return;
    qCDebug(lcXDX11, "listener window 0x%x was missing from the registry; registering again", m_window);
    m_display->addToRegistry(m_window);
    registryChanged();
}

// Once the X server has the change, every sender that looks learns it. Senders of this
// user on this machine look when the generation moved (see X11Sender).
void X11Listener::registryChanged()
{
    m_display->sync();
    if (m_generations)
        m_generations->bump(ListenerGenerations::Counter::NativeWindow);
}

void X11Listener::readOwnEvents()
{
    while (xcb_generic_event_t *event = xcb_poll_for_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
    if (xcb_connection_has_error(m_display->connection())) {
        sender()->deleteLater();
        m_sink->transportStateChanged(XDTransport::NativeWindow,
                                      {XDError::TransportUnavailable, QStringLiteral("the X connection was lost")});
    }
}

// True for the events this listener consumes: changes of its own inbox.
bool X11Listener::isOurs(const xcb_generic_event_t *event) const
{
    if ((event->response_type & ~0x80) != XCB_PROPERTY_NOTIFY)
        return false;
    const auto *notify = reinterpret_cast<const xcb_property_notify_event_t *>(event);
    return notify->window == m_window && notify->atom == m_display->inboxAtom();
}

void X11Listener::handleEvent(const xcb_generic_event_t *event)
{
    if (isRegistryChange(event))
        keepRegistered();
    if (handleSenderGone(event) || !isOurs(event))
        return;
    if (reinterpret_cast<const xcb_property_notify_event_t *>(event)->state != XCB_PROPERTY_NEW_VALUE)
        return;
    // Every append notifies; one read-and-delete per event-loop pass takes them all, instead
    // of a round trip per message.
    if (m_readScheduled)
        return;
    m_readScheduled = true;
    QMetaObject::invokeMethod(
            this,
            [this] {
                m_readScheduled = false;
                readInbox();
            },
            Qt::QueuedConnection);
}

void X11Listener::handleQueuedOwnEvents()
{
    if (m_filterInstalled)
        return; // Qt's connection: its event reader takes queued events too
    while (xcb_generic_event_t *event = xcb_poll_for_queued_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
}

void X11Listener::readInbox()
{
    decodeInbox();
    const QPointer<X11Listener> alive(this);
    m_sink->deliverReceived(FrameSink::Delivery::Now); // a slot may delete this listener
    // After the slots, so that an acknowledgement is no step on the way of their replies.
    if (alive)
        acknowledge();
}

// Each sender hears how many of its frames were taken, whether delivered or dropped.
void X11Listener::acknowledge()
{
    if (m_takenBySender.isEmpty())
        return;
    for (auto it = m_takenBySender.cbegin(); it != m_takenBySender.cend(); ++it)
        m_display->sendAcknowledgement(it.key(), m_window, it.value());
    m_takenBySender.clear();
    xcb_flush(m_display->connection());
    handleQueuedOwnEvents(); // a flush may read events too
}

void X11Listener::decodeInbox()
{
    bool exists = false;
    int format = 0;
    // Read and delete in one request: appends that come later start a new value.
    const QByteArray bytes = m_display->readProperty(m_window, m_display->inboxAtom(), true, &exists, &format);
    handleQueuedOwnEvents();
    if (!exists || bytes.isEmpty())
        return;
    if (format != 8) {
        qCWarning(lcXDX11, "dropping an inbox value of format %d", format);
        return;
    }
    m_assembler.setMaximumPayload(m_sink->maximumMessageSize());
    InboxAssembler::Output out;
    m_assembler.feed(bytes, &out);
    take(std::move(out));
}

void X11Listener::take(InboxAssembler::Output &&out)
{
    for (const QString &problem : std::as_const(out.problems))
        qCWarning(lcXDX11, "%ls", qUtf16Printable(problem));
    for (Frame &frame : out.frames)
        m_sink->frameReceived(std::move(frame), XDTransport::NativeWindow);
    for (auto it = out.takenBySender.cbegin(); it != out.takenBySender.cend(); ++it)
        m_takenBySender[it.key()] += it.value();
    // A sender in the middle of a message: hear of its end, which cuts the message.
    const QList<quint32> unfinished = m_assembler.sendersWithUnfinishedMessages();
    for (const quint32 senderWindow : unfinished)
        watchSender(senderWindow);
    for (const QByteArray &channel : std::as_const(out.cutChannels)) {
        qCWarning(lcXDX11, "a sender ended in the middle of a message; it is dropped");
        if (!channel.isEmpty()) {
            m_sink->messagesLost(XDTransport::NativeWindow, QString::fromUtf8(channel), 1,
                                 QStringLiteral("its sender ended in the middle of it"));
        }
    }
}

void X11Listener::watchSender(quint32 senderWindow)
{
    if (m_watchedSenders.contains(senderWindow))
        return;
    m_watchedSenders.insert(senderWindow);
    xcb_connection_t *connection = m_display->connection();
    const uint32_t events = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
    xcb_change_window_attributes(connection, senderWindow, XCB_CW_EVENT_MASK, &events);
    // It may have ended before we looked (while this listener was busy or stopped): then
    // no DestroyNotify will come. One round trip per sender of a large message.
    xcb_generic_error_t *error = nullptr;
    std::free(xcb_get_window_attributes_reply(connection, xcb_get_window_attributes(connection, senderWindow), &error));
    handleQueuedOwnEvents();
    if (!error)
        return;
    std::free(error);
    senderGone(senderWindow);
}

void X11Listener::senderGone(quint32 senderWindow)
{
    m_watchedSenders.remove(senderWindow);
    InboxAssembler::Output out;
    m_assembler.senderGone(senderWindow, &out);
    take(std::move(out));
    m_sink->deliverReceived(FrameSink::Delivery::FromEventLoop);
}

// True, and the unfinished message cut, when event says a watched sender is gone.
bool X11Listener::handleSenderGone(const xcb_generic_event_t *event)
{
    if ((event->response_type & ~0x80) != XCB_DESTROY_NOTIFY)
        return false;
    const quint32 window = reinterpret_cast<const xcb_destroy_notify_event_t *>(event)->window;
    if (!m_watchedSenders.contains(window))
        return false;
    // What it appended before it went is in the inbox, and must be taken first. Not a
    // round trip inside Qt's event filter: from the event loop, in order.
    QMetaObject::invokeMethod(
            this,
            [this, window] {
                decodeInbox();
                senderGone(window);
            },
            Qt::QueuedConnection);
    return true;
}

} // namespace XDMessagingPrivate
