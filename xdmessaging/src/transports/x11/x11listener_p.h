// SPDX-License-Identifier: MIT
#pragma once

#include "codec/x11inbox_p.h"
#include "core/listenergenerations_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>
#include <QtCore/QSet>
#include <QtCore/QObject>

#include <xcb/xcb.h>

namespace XDMessagingPrivate {

class X11Display;

// The receiving side of the native-window transport for one listener: a hidden,
// never-mapped window whose _XDMESSAGING_LISTENER property is the listener's manifest
// (`xprop -id WINDOW` shows it) and whose _XDMESSAGING_INBOX property senders append
// frames to. In a Qt GUI application on X11 the window lives on Qt's own connection and
// its events arrive through the process's one native event filter; elsewhere the transport opens a
// connection of its own and reads it through a QSocketNotifier. Both feed handleEvent().
class X11Listener final : public QObject, public ListenerTransport
{
    Q_OBJECT
public:
    X11Listener(const ListenerManifest &identity, FrameSink *sink);
    ~X11Listener() override;

    XDTransport kind() const override { return XDTransport::NativeWindow; }
    bool start(TransportFailure *failure) override;
    bool publish(const ListenerManifest &manifest, QString *error) override;

    // From the process's one native event filter (X11EventFilter), for listeners on Qt's
    // connection: handles this listener's events, true for those only it wants.
    bool filterEvent(const xcb_generic_event_t *event);

    // How many inbox notifications arrived through Qt's event filter (process-wide):
    // lets tests prove which path is used.
    static quint64 eventFilterDeliveries();

private:
    bool useQtConnection(xcb_connection_t *connection, TransportFailure *failure);
    bool useOwnConnection(TransportFailure *failure);
    bool isOurs(const xcb_generic_event_t *event) const;
    bool isRegistryChange(const xcb_generic_event_t *event) const;
    void keepRegistered();
    void registryChanged();
    void handleEvent(const xcb_generic_event_t *event);
    void readOwnEvents();
    // On our own connection: handles events that a round trip read from the socket into
    // xcb's queue. The socket notifier no longer fires for them, so without this an
    // inbox append seen during a reply would wait for the next unrelated event.
    void handleQueuedOwnEvents();
    void readInbox();
    void decodeInbox();
    void take(InboxAssembler::Output &&out);
    void watchSender(quint32 senderWindow);
    bool handleSenderGone(const xcb_generic_event_t *event);
    void senderGone(quint32 senderWindow);
    void acknowledge();

    FrameSink *const m_sink;
    std::unique_ptr<X11Display> m_display;
    // Bumped after each registry change, for the senders of this user on this machine.
    std::shared_ptr<ListenerGenerations> m_generations;
    xcb_window_t m_window = 0;
    bool m_filterInstalled = false;
    bool m_registered = false;
    InboxAssembler m_assembler {0}; // the maximum payload is the sink's, set on each read
    QSet<quint32> m_watchedSenders; // sender windows with an unfinished message here
    QHash<quint32, quint64> m_takenBySender; // frames taken and not yet acknowledged, by sender window
    bool m_readScheduled = false; // a read of the inbox is posted to the event loop
    bool m_registryCheckScheduled = false; // keepRegistered() is posted to the event loop
};

} // namespace XDMessagingPrivate
