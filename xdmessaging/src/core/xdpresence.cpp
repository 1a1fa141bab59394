// SPDX-License-Identifier: MIT
#include <XDMessaging/xdpresence.h>

#include "core/channelname_p.h"
#include "core/listenerinfo_p.h"
#include "core/logging_p.h"
#include "core/transport_p.h"

#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtCore/QSet>

#include <algorithm>
#include <deque>
#include <map>
#include <vector>

using namespace XDMessagingPrivate;

namespace {

struct PresenceEvent
{
    enum class Kind : quint8 { Joined, Left, Changed, Error };
    Kind kind = Kind::Changed;
    XDListenerInfo listener;
    XDPresence::Departure how = XDPresence::Unregistered;
    XDError error = XDError::NoError;
    QString text;
};

// One listener as the sources see it: a record per transport that reaches it.
struct TrackedListener
{
    std::map<XDTransport, ListenerRecord> records; // in transport order: the local socket first
    bool present = false;
    XDListenerInfo info; // as last told, while present
};

} // namespace

class XDPresencePrivate final : public PresenceSink
{
public:
    XDPresencePrivate(XDPresence *q, const QString &channel, XDTransport transport)
        : q(q), channel(channel), requested(transport)
    {}

    void listenerSeen(XDTransport via, const ListenerRecord &listener) override;
    void listenerGone(XDTransport via, const QUuid &id, bool vanished) override;
    void presenceStateChanged(XDTransport via, const TransportFailure &failure) override;

    // Starts the sources anew. With announce, listeners present before and not after
    // leave, as events, and new ones join.
    void restart(bool announce);
    void evaluate(const QUuid &id, XDPresence::Departure how);
    bool isPresentOnChannel(const TrackedListener &listener) const;
    void post(PresenceEvent &&event);
    void deliver();
    bool show(const PresenceEvent &event);
    bool showCurrent();
    void showAfterSetter(void (XDPresence::*changed)());
    void fail(XDError code, const QString &message);

    XDPresence *const q;
    QString channel;
    XDTransport requested;
    std::vector<std::unique_ptr<PresenceSource>> sources;
    QHash<QUuid, TrackedListener> tracked;
    QList<QUuid> order; // of the present listeners, as they joined
    // What listeners() returns. It follows order through the events, each applied just
    // before its signal, so that a slot, a binding or a test never sees a join or leave
    // whose signal is still to come; the constructor and the setters show at once.
    QList<XDListenerInfo> shown;
    // Listeners seen to die: another transport may still show them for a while (a
    // Redis key until it expires), which is no return.
    QSet<QUuid> dead;
    XDError error = XDError::NoError;
    QString errorString;
    bool quiet = false; // while taking the first look: what is there did not join
    std::deque<PresenceEvent> pending;
    bool deliveryScheduled = false;
};

void XDPresencePrivate::listenerSeen(XDTransport via, const ListenerRecord &listener)
{
    if (dead.contains(listener.id))
        return;
    tracked[listener.id].records[via] = listener;
    evaluate(listener.id, XDPresence::Unregistered);
}

void XDPresencePrivate::listenerGone(XDTransport via, const QUuid &id, bool vanished)
{
    const auto found = tracked.find(id);
    if (found == tracked.end())
        return;
    // A death seen on one transport is the death of the whole listener: the others (the
    // network's expiry) would only tell later.
    if (vanished) {
        found->records.clear();
        if (dead.size() >= 4096)
            dead.clear(); // bounded; ids are never reused
        dead.insert(id);
    } else
        found->records.erase(via);
    evaluate(id, vanished ? XDPresence::Vanished : XDPresence::Unregistered);
    if (found->records.empty())
        tracked.erase(found);
}

void XDPresencePrivate::presenceStateChanged(XDTransport via, const TransportFailure &failure)
{
    if (failure.error == XDError::NoError)
        return;
    fail(failure.error, QStringLiteral("cannot watch listeners on %1: %2").arg(xdTransportName(via), failure.message));
}

bool XDPresencePrivate::isPresentOnChannel(const TrackedListener &listener) const
{
    for (const auto &[via, record] : listener.records) {
        if (channel.isEmpty() ? !record.channels.isEmpty() && !isReplyInbox(record) : record.channels.contains(channel))
            return true;
    }
    return false;
}

// Joins, leaves and changes follow from comparing what the listener was with what it is.
void XDPresencePrivate::evaluate(const QUuid &id, XDPresence::Departure how)
{
    TrackedListener &listener = tracked[id];
    const bool present = isPresentOnChannel(listener);
    if (!present && !listener.present)
        return;
    PresenceEvent event;
    if (!present) {
        listener.present = false;
        order.removeOne(id);
        event.kind = PresenceEvent::Kind::Left;
        event.listener = listener.info;
        event.how = how;
        post(std::move(event));
        return;
    }
    const auto &[foundOn, record] = *listener.records.begin();
    const XDListenerInfo info = listenerInfo(record, foundOn);
    if (listener.present && info == listener.info)
        return;
    event.kind = listener.present ? PresenceEvent::Kind::Changed : PresenceEvent::Kind::Joined;
    if (!listener.present)
        order.append(id);
    listener.present = true;
    listener.info = info;
    event.listener = info;
    post(std::move(event));
}

void XDPresencePrivate::restart(bool announce)
{
    QHash<QUuid, XDListenerInfo> before;
    for (const QUuid &id : std::as_const(order))
        before.insert(id, tracked.value(id).info);
    sources.clear();
    tracked.clear();
    order.clear();
    quiet = true;
    TransportFailure failure;
    const QList<XDTransport> kinds = resolveTransports(requested, &failure);
    for (const XDTransport kind : std::as_const(kinds)) {
        std::unique_ptr<PresenceSource> source = createPresenceSource(kind, this, &failure);
        if (source && source->start(&failure)) {
            sources.push_back(std::move(source));
            continue;
        }
        qCDebug(lcXDCore, "not watching %ls: %ls", qUtf16Printable(xdTransportName(kind)),
                qUtf16Printable(failure.message));
        // Auto goes on without a transport that cannot run here (no display).
        if (requested != XDTransport::Auto)
            break;
    }
    quiet = false;
    if (sources.empty() || (requested != XDTransport::Auto && sources.size() < size_t(kinds.size())))
        fail(failure.error, QStringLiteral("cannot watch listeners: %1").arg(failure.message));
    else if (error != XDError::NoError)
        fail(XDError::NoError, QString());
    if (!announce)
        return;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!order.contains(it.key()))
            post({PresenceEvent::Kind::Left, it.value(), XDPresence::Unregistered, XDError::NoError, QString()});
    }
    for (const QUuid &id : std::as_const(order)) {
        if (!before.contains(id))
            post({PresenceEvent::Kind::Joined, tracked.value(id).info, XDPresence::Unregistered, XDError::NoError,
                  QString()});
        else if (before.value(id) != tracked.value(id).info)
            post({PresenceEvent::Kind::Changed, tracked.value(id).info, XDPresence::Unregistered, XDError::NoError,
                  QString()});
    }
}

void XDPresencePrivate::fail(XDError code, const QString &message)
{
    if (!message.isEmpty())
        qCDebug(lcXDCore, "presence: %ls", qUtf16Printable(message));
    const bool changed = code != error || message != errorString;
    error = code;
    errorString = message;
    if (changed)
        post({PresenceEvent::Kind::Error, XDListenerInfo(), XDPresence::Unregistered, code, message});
}

void XDPresencePrivate::post(PresenceEvent &&event)
{
    if (quiet && event.kind != PresenceEvent::Kind::Error)
        return;
    pending.push_back(std::move(event));
    if (deliveryScheduled)
        return;
    deliveryScheduled = true;
    QMetaObject::invokeMethod(
            q, [this] { deliver(); }, Qt::QueuedConnection);
}

// From the event loop: a slot may delete the watcher, or change what it watches.
void XDPresencePrivate::deliver()
{
    deliveryScheduled = false;
    const QPointer<XDPresence> alive(q);
    bool listenersChanged = false;
    while (alive && !pending.empty()) {
        PresenceEvent event = std::move(pending.front());
        pending.pop_front();
        switch (event.kind) {
        case PresenceEvent::Kind::Joined:
            listenersChanged |= show(event);
            Q_EMIT q->listenerJoined(event.listener);
            break;
        case PresenceEvent::Kind::Left:
            listenersChanged |= show(event);
            Q_EMIT q->listenerLeft(event.listener, event.how);
            break;
        case PresenceEvent::Kind::Changed:
            listenersChanged |= show(event);
            break;
        case PresenceEvent::Kind::Error:
            Q_EMIT q->errorStringChanged();
            if (alive && event.error != XDError::NoError)
                Q_EMIT q->errorOccurred(event.error, event.text);
            break;
        }
    }
    if (alive && listenersChanged)
        Q_EMIT q->listenersChanged();
}

// Applies one event to what listeners() returns; returns whether that changed. An event
// a setter already showed changes nothing.
bool XDPresencePrivate::show(const PresenceEvent &event)
{
    const QUuid id = event.listener.id();
    const auto at =
            std::find_if(shown.begin(), shown.end(), [&id](const XDListenerInfo &info) { return info.id() == id; });
    if (event.kind == PresenceEvent::Kind::Left) {
        if (at == shown.end())
            return false;
        shown.erase(at);
        return true;
    }
    if (at == shown.end()) {
        shown.append(event.listener);
        return true;
    }
    if (*at == event.listener)
        return false;
    *at = event.listener;
    return true;
}

// Shows what the sources tell now; returns whether that changed listeners().
bool XDPresencePrivate::showCurrent()
{
    QList<XDListenerInfo> current;
    current.reserve(order.size());
    for (const QUuid &id : std::as_const(order))
        current.append(tracked.value(id).info);
    if (current == shown)
        return false;
    shown = std::move(current);
    return true;
}

// A setter's last step: what it changed shows at once, and is announced (changed, then
// listenersChanged() when listeners() moved); a slot may delete the watcher.
void XDPresencePrivate::showAfterSetter(void (XDPresence::*changed)())
{
    const bool listenersChanged = showCurrent();
    const QPointer<XDPresence> alive(q);
    Q_EMIT(q->*changed)();
    if (alive && listenersChanged)
        Q_EMIT q->listenersChanged();
}

XDPresence::XDPresence(const QString &channel, QObject *parent) : XDPresence(channel, XDTransport::Auto, parent) {}

XDPresence::XDPresence(const QString &channel, XDTransport transport, QObject *parent)
    : QObject(parent), d(std::make_unique<XDPresencePrivate>(this, channel, transport))
{
    const QString problem = channel.isEmpty() ? QString() : xdChannelNameProblem(channel);
    if (!problem.isEmpty()) {
        d->fail(XDError::InvalidChannelName,
                QStringLiteral("cannot watch channel \"%1\": %2").arg(printableChannelName(channel), problem));
        return;
    }
    d->restart(false);
    d->showCurrent();
}

// Sources go first: they must not report to a half-destroyed watcher.
XDPresence::~XDPresence()
{
    d->sources.clear();
}

QString XDPresence::channel() const
{
    return d->channel;
}

void XDPresence::setChannel(const QString &channel)
{
    if (channel == d->channel)
        return;
    const QString problem = channel.isEmpty() ? QString() : xdChannelNameProblem(channel);
    if (!problem.isEmpty()) {
        d->fail(XDError::InvalidChannelName,
                QStringLiteral("cannot watch channel \"%1\": %2").arg(printableChannelName(channel), problem));
        return;
    }
    d->channel = channel;
    const QList<QUuid> ids = d->tracked.keys();
    for (const QUuid &id : ids)
        d->evaluate(id, XDPresence::Unregistered);
    d->showAfterSetter(&XDPresence::channelChanged);
}

XDTransport XDPresence::transport() const
{
    QString ignored;
    return effectiveTransport(d->requested, &ignored);
}

void XDPresence::setTransport(XDTransport transport)
{
    if (transport == d->requested)
        return;
    d->requested = transport;
    d->restart(true);
    d->showAfterSetter(&XDPresence::transportChanged);
}

QList<XDListenerInfo> XDPresence::listeners() const
{
    return d->shown;
}

int XDPresence::count() const
{
    return int(d->shown.size());
}

XDError XDPresence::error() const
{
    return d->error;
}

QString XDPresence::errorString() const
{
    return d->errorString;
}
