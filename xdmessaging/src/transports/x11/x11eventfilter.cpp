// SPDX-License-Identifier: MIT
#include "transports/x11/x11eventfilter_p.h"

#include "transports/x11/x11listener_p.h"

#include <QtCore/QCoreApplication>

#include <atomic>
#include <memory>

namespace XDMessagingPrivate {

namespace {

std::unique_ptr<X11EventFilter> &theFilter()
{
    static std::unique_ptr<X11EventFilter> filter;
    return filter;
}

std::atomic<int> installed {0};

} // namespace

void X11EventFilter::add(X11Listener *listener)
{
    std::unique_ptr<X11EventFilter> &filter = theFilter();
    if (!filter) {
        filter = std::make_unique<X11EventFilter>();
        QCoreApplication::instance()->installNativeEventFilter(filter.get());
        ++installed;
    }
    filter->m_listeners.append(listener);
}

void X11EventFilter::remove(X11Listener *listener)
{
    std::unique_ptr<X11EventFilter> &filter = theFilter();
    if (!filter)
        return;
    filter->m_listeners.removeOne(listener);
    if (!filter->m_listeners.isEmpty())
        return;
    // Qt's connection, and its filters, die with the application.
    if (QCoreApplication::instance())
        QCoreApplication::instance()->removeNativeEventFilter(filter.get());
    filter.reset();
    --installed;
}

int X11EventFilter::installedCount()
{
    return installed.load();
}

bool X11EventFilter::nativeEventFilter(const QByteArray &eventType, void *message, qintptr *)
{
    if (eventType != "xcb_generic_event_t")
        return false;
    const auto *event = static_cast<const xcb_generic_event_t *>(message);
    const uint8_t type = event->response_type & ~0x80;
    if (type != XCB_PROPERTY_NOTIFY && type != XCB_DESTROY_NOTIFY)
        return false; // most of what Qt reads: nothing of ours
    // A copy: a listener may remove itself (a slot deleted it) while we go through them.
    const QList<X11Listener *> listeners = m_listeners;
    bool consumed = false;
    for (X11Listener *listener : listeners) {
        if (m_listeners.contains(listener))
            consumed = listener->filterEvent(event) || consumed;
    }
    return consumed;
}

} // namespace XDMessagingPrivate
