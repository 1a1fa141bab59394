// SPDX-License-Identifier: MIT
#pragma once

#include "codec/manifest_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QString>

#include <atomic>
#include <optional>

#include <xcb/xcb.h>

namespace XDMessagingPrivate {

// One X connection as the native-window transport uses it: the fixed handful of atoms
// (the X server never frees atoms, so there is none per channel or message), the root
// window, the registry of listener windows on it, and property helpers.
class X11Display
{
public:
    // Opens a connection of our own to $DISPLAY; null with *error when there is none.
    static std::unique_ptr<X11Display> open(QString *error);
    // The same, hearing of registry changes: PropertyNotify of the root window (which Qt's
    // connection selects by itself).
    static std::unique_ptr<X11Display> openWatchingRegistry(QString *error);
    // Uses a connection someone else owns (Qt's); it is not closed on destruction.
    static std::unique_ptr<X11Display> borrow(xcb_connection_t *connection, QString *error);
    ~X11Display();

    xcb_connection_t *connection() const { return m_connection; }
    xcb_window_t root() const { return m_root; }
    xcb_atom_t registryAtom() const { return m_registry; } // on the root window
    xcb_atom_t listenerAtom() const { return m_listener; } // a listener's manifest
    xcb_atom_t inboxAtom() const { return m_inbox; } // frames for a listener
    xcb_atom_t utf8Atom() const { return m_utf8; }
    // The most property bytes one ChangeProperty request can carry.
    qsizetype maximumPropertyChunk() const { return m_maximumChunk; }

    // A property's whole value; empty when missing. *exists is false when the window
    // is gone or the property is absent; *format receives the property's format.
    QByteArray readProperty(xcb_window_t window, xcb_atom_t property, bool remove, bool *exists, int *format = nullptr);
    // The property of each window with one round trip; nullopt for a window that is gone
    // or has no such property.
    QList<std::optional<QByteArray>> readProperties(const QList<quint32> &windows, xcb_atom_t property);
    // The listener windows of the registry; *valid is false when it holds something else.
    QList<quint32> readRegistry(bool *valid = nullptr);
    struct ListenerWindow
    {
        quint32 window = 0;
        ListenerManifest manifest;
    };
    // The listeners of the registry, plus those of the windows in also (known ones that
    // a concurrent rewrite may have left out), with their manifests; four round trips
    // at most, however many there are. Each window is watched for its destruction
    // (StructureNotify) from now on; windows that are gone are removed from the registry.
    QList<ListenerWindow> readListenerWindows(const QList<quint32> &also = {});
    // Adds or removes windows, without a server grab (see the definitions).
    void addToRegistry(xcb_window_t window);
    void removeFromRegistry(const QList<quint32> &windows);
    // Waits until the server has processed every request sent so far.
    void sync();
    // How many times this connection has waited for the server so far.
    quint64 roundTrips() const { return m_roundTrips.load(); }
    // Tells senders a listener's manifest changed: a PropertyNotify on the registry,
    // which stays as it is. Senders then watch the root window only, not every
    // listener window, whose inbox changes with every message.
    void touchRegistry();
    // Tells the sender owning senderWindow that listenerWindow took count more of the
    // frames it appended (not flushed: the caller flushes once for all it sends).
    void sendAcknowledgement(xcb_window_t senderWindow, xcb_window_t listenerWindow, quint64 count);
    // True when event is such an acknowledgement addressed to senderWindow.
    bool parseAcknowledgement(const xcb_generic_event_t *event, xcb_window_t senderWindow, xcb_window_t *listenerWindow,
                              quint64 *count) const;

    // Tells presence watchers that listenerWindow leaves on purpose; sent before it
    // leaves the registry and its window is destroyed, so it arrives before either.
    void announceLeaving(xcb_window_t listenerWindow);
    bool parseLeaving(const xcb_generic_event_t *event, xcb_window_t *listenerWindow) const;

private:
    X11Display(xcb_connection_t *connection, bool owned);
    bool initialize(QString *error);

    xcb_connection_t *m_connection = nullptr;
    bool m_owned = false;
    xcb_window_t m_root = 0;
    xcb_atom_t m_registry = 0;
    xcb_atom_t m_listener = 0;
    xcb_atom_t m_inbox = 0;
    xcb_atom_t m_acknowledge = 0;
    xcb_atom_t m_leaving = 0;
    xcb_atom_t m_utf8 = 0;
    qsizetype m_maximumChunk = 0;
    std::atomic<quint64> m_roundTrips {0};
};

} // namespace XDMessagingPrivate
