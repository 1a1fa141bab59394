// SPDX-License-Identifier: MIT
#pragma once

#include "core/transport_p.h"

#include <QtCore/QHash>
#include <QtCore/QObject>
#include <QtCore/QSet>

#include <xcb/xcb.h>

namespace XDMessagingPrivate {

class X11Display;

// Who listens on the native window, as it happens, on a connection of its own. The
// registry's PropertyNotify (sent for every listener joining, leaving or changing its
// manifest) makes it read the listeners again; each listener window is watched for its
// DestroyNotify. A listener that leaves announces it first (X11Display::announceLeaving());
// a window destroyed without that announcement belonged to a listener that died without
// a word (killed, or its X connection lost): it vanished.
class X11Presence final : public QObject, public PresenceSource
{
public:
    explicit X11Presence(PresenceSink *sink);
    ~X11Presence() override;

    XDTransport kind() const override { return XDTransport::NativeWindow; }
    bool start(TransportFailure *failure) override;

private:
    void readEvents();
    void handleEvent(const xcb_generic_event_t *event);
    void handleQueuedEvents();
    void rescan();
    void windowGone(quint32 window);
    bool checkConnection();

    PresenceSink *m_sink;
    std::unique_ptr<X11Display> m_display;
    QHash<quint32, ListenerRecord> m_listeners; // by window
    QSet<quint32> m_leaving; // windows whose listener announced that it leaves
    bool m_rescanScheduled = false;
    bool m_connectionLost = false;
};

} // namespace XDMessagingPrivate
