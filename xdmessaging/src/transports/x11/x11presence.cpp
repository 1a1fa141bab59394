// SPDX-License-Identifier: MIT
#include "transports/x11/x11presence_p.h"

#include "transports/x11/x11display_p.h"

#include <QtCore/QSocketNotifier>

#include <cstdlib>

namespace XDMessagingPrivate {

X11Presence::X11Presence(PresenceSink *sink) : m_sink(sink) {}

X11Presence::~X11Presence() = default;

bool X11Presence::start(TransportFailure *failure)
{
    QString error;
    m_display = X11Display::openWatchingRegistry(&error);
    if (!m_display) {
        *failure = {XDError::TransportUnavailable, error};
        return false;
    }
    auto *notifier = new QSocketNotifier(xcb_get_file_descriptor(m_display->connection()), QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, &X11Presence::readEvents);
    rescan();
    return true;
}

void X11Presence::readEvents()
{
    while (xcb_generic_event_t *event = xcb_poll_for_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
    checkConnection();
}

// Round trips read events into xcb's queue, where the socket notifier no longer sees them.
void X11Presence::handleQueuedEvents()
{
    while (xcb_generic_event_t *event = xcb_poll_for_queued_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
}

void X11Presence::handleEvent(const xcb_generic_event_t *event)
{
    xcb_window_t leaving = 0;
    if (m_display->parseLeaving(event, &leaving)) {
        if (m_listeners.contains(leaving))
            m_leaving.insert(leaving);
        return;
    }
    switch (event->response_type & ~0x80) {
    case 0: { // an error: BadWindow for a window that was gone before we watched it
        const auto *error = reinterpret_cast<const xcb_generic_error_t *>(event);
        if (error->error_code == XCB_WINDOW)
            windowGone(error->resource_id);
        return;
    }
    case XCB_PROPERTY_NOTIFY: {
        const auto *notify = reinterpret_cast<const xcb_property_notify_event_t *>(event);
        if (notify->window != m_display->root() || notify->atom != m_display->registryAtom() || m_rescanScheduled)
            return;
        // A burst of registry changes is read once, from the event loop.
        m_rescanScheduled = true;
        QMetaObject::invokeMethod(this, &X11Presence::rescan, Qt::QueuedConnection);
        return;
    }
    case XCB_DESTROY_NOTIFY:
        windowGone(reinterpret_cast<const xcb_destroy_notify_event_t *>(event)->window);
        return;
    default:
        return;
    }
}

// Events are handled in the order the server sent them, so a listener's announcement
// that it leaves is always seen before its window's destruction.
void X11Presence::rescan()
{
    m_rescanScheduled = false;
    if (!checkConnection())
        return;
    // Known windows are read even when a concurrent rewrite left them out of the registry:
    // they put themselves back, and only their destruction is a leave.
    const QList<X11Display::ListenerWindow> listeners = m_display->readListenerWindows(m_listeners.keys());
    QSet<quint32> alive;
    for (const X11Display::ListenerWindow &listener : listeners) {
        alive.insert(listener.window);
        auto known = m_listeners.find(listener.window);
        if (known != m_listeners.end() && *known == listener.manifest)
            continue;
        m_listeners.insert(listener.window, listener.manifest);
        m_sink->listenerSeen(kind(), listener.manifest);
    }
    // The destruction of windows found gone, and announcements, are queued by now.
    handleQueuedEvents();
    const QList<quint32> windows = m_listeners.keys();
    for (const quint32 window : windows) {
        if (!alive.contains(window))
            windowGone(window);
    }
}

void X11Presence::windowGone(quint32 window)
{
    const auto known = m_listeners.constFind(window);
    if (known == m_listeners.constEnd())
        return;
    const QUuid id = known->id;
    m_listeners.erase(known);
    const bool vanished = !m_leaving.remove(window);
    m_sink->listenerGone(kind(), id, vanished);
}

bool X11Presence::checkConnection()
{
    if (!xcb_connection_has_error(m_display->connection()))
        return true;
    if (!m_connectionLost) {
        m_connectionLost = true;
        m_sink->presenceStateChanged(kind(),
                                     {XDError::TransportUnavailable, QStringLiteral("the X connection was lost")});
        const QList<quint32> windows = m_listeners.keys();
        for (const quint32 window : windows)
            m_sink->listenerGone(kind(), m_listeners.take(window).id, false);
    }
    return false;
}

} // namespace XDMessagingPrivate
