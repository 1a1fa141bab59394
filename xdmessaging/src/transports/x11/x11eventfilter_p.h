// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QAbstractNativeEventFilter>
#include <QtCore/QList>

#include <xcb/xcb.h>

namespace XDMessagingPrivate {

class X11Listener;

// The one native event filter of a process, for the listeners that live on Qt's own X
// connection (in the GUI thread): installed with the first of them, removed with the
// last, it hands each listener its own events and lets everything else through to Qt
// untouched. It never waits for the X server; listeners that need a round trip do it
// from the event loop.
class X11EventFilter final : public QAbstractNativeEventFilter
{
public:
    static void add(X11Listener *listener);
    static void remove(X11Listener *listener);
    // How many filters of ours are installed (0 or 1): lets tests prove it.
    static int installedCount();

    bool nativeEventFilter(const QByteArray &eventType, void *message, qintptr *result) override;

private:
    QList<X11Listener *> m_listeners; // used in the GUI thread only
};

} // namespace XDMessagingPrivate
