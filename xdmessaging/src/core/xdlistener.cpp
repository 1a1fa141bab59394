// SPDX-License-Identifier: MIT
#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdlistener.h>

#include "core/channelname_p.h"
#include "core/logging_p.h"
#include "core/replyinbox_p.h"
#include "core/sequencetracker_p.h"
#include "core/transport_p.h"
#include "core/xdmessage_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QPointer>

#include <algorithm>
#include <deque>
#include <map>
#include <vector>

using namespace XDMessagingPrivate;

namespace {

// Something the listener tells its slots: a message, or news of an error, of lost
// messages or of the network.
struct ListenerEvent
{
    enum class Kind : quint8 { Message, Error, MessagesLost, NetworkState, Readiness };
    Kind kind = Kind::Message;
    XDMessage message; // Message
    quint64 channelsRevision = 0; // Message: of the filter that let it in
    XDError error = XDError::NoError; // Error
    bool errorStringChanged = false; // Error: error() and errorString() are new
    XDNetworkState state = XDNetworkState::Off; // NetworkState
    qint64 count = 0; // MessagesLost
    QString text; // Error: the error string; MessagesLost: the channel; NetworkState: why
};

} // namespace

class XDListenerPrivate final : public FrameSink
{
public:
    XDListenerPrivate(XDListener *listener, XDTransport requested) : q(listener), requested(requested) {}

    void frameReceived(Frame &&frame, XDTransport via) override;
    void deliverReceived(Delivery when) override;
    qint64 maximumMessageSize() const override { return maximumSize; }
    void transportStateChanged(XDTransport via, const TransportFailure &failure) override;
    void messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why) override;
    void livenessChanged() override;
    void retainedValueReceived(Frame &&frame, XDTransport via) override;
    XDSendResult reply(const XDMessage &request, const QByteArray &payload, XDMessage::PayloadType type);
    // The local store's retained value of a channel just registered, if any.
    void takeLocalRetainedValue(const QString &channel);
    // Retained values shown, by channel: the live copy of one, if it comes, is dropped.
    QHash<QByteArray, std::pair<quint64, quint64>> retainedShown; // publisher, sequence

    // Whether every channel is live on every transport; readyChanged() when that changed.
    bool isReadyNow() const;
    bool updateReady();

    bool ensureStarted();
    void stopTransports();
    bool publish();
    ListenerManifest manifest() const;
    // Register or unregister one channel; false (reported through fail()) when that
    // failed. Neither clears an earlier error: the caller decides when all went well.
    bool addChannel(const QString &channel, ChannelUse use = ChannelUse::Application);
    bool removeChannel(const QString &channel);
    // An API call failed: error() and errorString() say why at once, errorOccurred()
    // follows through the event queue (errorStringChanged() when the call returns).
    bool fail(XDError code, const QString &message);
    // A transport failed on its own: both signals come through the event queue.
    void failFromTransport(XDError code, const QString &message);
    // Records the error and queues errorOccurred(), and errorStringChanged() too when
    // announceErrorString says so and the error is new.
    void postError(XDError code, const QString &message, bool announceErrorString);
    // Sets error() and errorString(); true when they changed.
    bool setError(XDError code, const QString &message);
    bool clearError() { return setError(XDError::NoError, QString()); }
    void setNetworkState(XDNetworkState state, const QString &error);

    // Every signal but the property notifications of the API calls goes through one
    // queue, emitted from the listener's event loop, never from inside a transport or
    // an API call half done: a slot may delete the listener, or run a nested event
    // loop (messages arriving meanwhile wait, in order, until the slot returns).
    void post(ListenerEvent &&event);
    void scheduleDelivery();
    void deliverEvents();
    class ApiCall;

    XDListener *const q;
    XDTransport requested;
    const QUuid id = QUuid::createUuid();
    QStringList channels;
    QString name; // empty: the application name
    // Replies go back over the transport their request came by: one broadcaster each.
    std::map<XDTransport, std::unique_ptr<XDBroadcaster>> replyBroadcasters;
    bool ready = false; // as last announced by readyChanged()
    QHash<QByteArray, QString> channelsByUtf8; // what frames are filtered by
    quint64 channelsRevision = 0; // moves whenever channelsByUtf8 changes
    void channelsChanged() { ++channelsRevision; }
    // The name of the registered channel utf8, or null. Frames repeat their channel:
    // the one found last is tried first.
    const QString *registeredChannel(const QByteArray &utf8);
    struct FoundChannel
    {
        QByteArray utf8;
        QString name;
        quint64 revision = ~quint64(0);
    } lastFoundChannel;
    std::vector<std::unique_ptr<ListenerTransport>> transports;
    qint64 maximumSize = XDBroadcaster::DefaultMaximumMessageSize;
    XDError error = XDError::NoError;
    QString errorString;
    QByteArray lastSenderNameUtf8; // senders repeat: decode each name once
    QString lastSenderName;
    SequenceTracker sequences; // exactly once, and gaps are losses, whatever the transport
    XDNetworkState networkState = XDNetworkState::Off; // as the transport last said
    // What networkState() returns: the state as the signals so far told it, so that a
    // reader never sees a state whose networkStateChanged() is still to come.
    XDNetworkState toldNetworkState = XDNetworkState::Off;
    std::deque<ListenerEvent> events;
    bool deliveryScheduled = false;
    bool delivering = false; // a slot is running: deliveries wait for it to return
};

void XDListenerPrivate::post(ListenerEvent &&event)
{
    events.push_back(std::move(event));
    scheduleDelivery();
}

void XDListenerPrivate::deliverReceived(Delivery when)
{
    if (when == Delivery::Now)
        deliverEvents();
    else
        scheduleDelivery();
}

void XDListenerPrivate::scheduleDelivery()
{
    if (deliveryScheduled)
        return;
    deliveryScheduled = true;
    // With q as the context, the call is dropped if the listener is deleted first.
    QMetaObject::invokeMethod(
            q,
            [this] {
                deliveryScheduled = false;
                deliverEvents();
            },
            Qt::QueuedConnection);
}

void XDListenerPrivate::deliverEvents()
{
    if (delivering)
        return; // a nested event loop: the outer call goes on once its slot returns
    delivering = true;
    const QPointer<XDListener> alive(q);
    while (!events.empty()) {
        // Delivered where it is queued, not moved out first: a slot may queue more
        // (push_back() leaves the others where they are), a nested call returns at once
        // (delivering), and a slot that deletes the listener takes the queue with it.
        const ListenerEvent &event = events.front();
        switch (event.kind) {
        case ListenerEvent::Kind::Message:
            // Once unregisterChannel() returned, nothing of that channel arrives; a filter
            // unchanged since it let the message in needs no second look. The message's
            // channel is the filter's own name for it, so its UTF-8 is the filter's key.
            if (event.channelsRevision == channelsRevision || channelsByUtf8.contains(event.message.channel().toUtf8()))
                Q_EMIT q->messageReceived(event.message);
            break;
        case ListenerEvent::Kind::Error:
            if (event.errorStringChanged)
                Q_EMIT q->errorStringChanged();
            if (alive)
                Q_EMIT q->errorOccurred(event.error, event.text);
            break;
        case ListenerEvent::Kind::MessagesLost:
            Q_EMIT q->messagesLost(event.text, event.count);
            break;
        case ListenerEvent::Kind::NetworkState:
            toldNetworkState = event.state;
            Q_EMIT q->networkStateChanged(event.state, event.text);
            break;
        case ListenerEvent::Kind::Readiness:
            if (updateReady())
                Q_EMIT q->readyChanged();
            break;
        }
        if (!alive)
            return;
        events.pop_front();
    }
    delivering = false;
}

// Lives for one API call and announces, as the last thing the call does, what it changed
// of error(), errorString(), channels() and transport(): a slot may then delete the
// listener.
class XDListenerPrivate::ApiCall
{
public:
    explicit ApiCall(XDListenerPrivate *d)
        : d(d), error(d->error), errorString(d->errorString), channels(d->channels), requested(d->requested)
    {}
    ~ApiCall()
    {
        XDListener *const q = d->q;
        const bool errorChanged = d->error != error || d->errorString != errorString;
        const bool channelsChanged = d->channels != channels;
        const bool transportChanged = d->requested != requested;
        const QPointer<XDListener> alive(q);
        if (transportChanged)
            Q_EMIT q->transportChanged();
        if (errorChanged && alive)
            Q_EMIT q->errorStringChanged();
        if (channelsChanged && alive)
            Q_EMIT q->channelsChanged();
        if (alive && d->updateReady())
            Q_EMIT q->readyChanged();
    }
    ApiCall(const ApiCall &) = delete;
    ApiCall &operator=(const ApiCall &) = delete;

private:
    XDListenerPrivate *const d;
    const XDError error;
    const QString errorString;
    const QStringList channels;
    const XDTransport requested;
};

void XDListenerPrivate::setNetworkState(XDNetworkState state, const QString &error)
{
    if (state == networkState && state != XDNetworkState::Disconnected)
        return;
    networkState = state;
    ListenerEvent event;
    event.kind = ListenerEvent::Kind::NetworkState;
    event.state = state;
    event.text = error;
    post(std::move(event));
}

const QString *XDListenerPrivate::registeredChannel(const QByteArray &utf8)
{
    FoundChannel &last = lastFoundChannel;
    if (last.revision == channelsRevision && sameBytes(last.utf8, utf8))
        return &last.name;
    const auto found = channelsByUtf8.constFind(utf8);
    if (found == channelsByUtf8.constEnd())
        return nullptr;
    last = {utf8, *found, channelsRevision};
    return &last.name;
}

void XDListenerPrivate::frameReceived(Frame &&frame, XDTransport via)
{
    const QString *channel = registeredChannel(frame.head.channel);
    if (!channel) {
        qCDebug(lcXDCore, "dropping a message on unregistered channel %s", frame.head.channel.constData());
        return;
    }
    const FrameMeta &meta = frame.head.meta;
    const auto shown = retainedShown.constFind(frame.head.channel);
    const bool isShownValue =
            shown != retainedShown.constEnd() && shown->first == meta.publisher && shown->second == meta.sequence;
    if (shown != retainedShown.constEnd() && shown->first == meta.publisher && shown->second <= meta.sequence)
        retainedShown.erase(shown); // its publisher is past the retained value now
    const SequenceTracker::Verdict verdict = sequences.record(meta.publisher, frame.head.channel, meta.sequence);
    if (isShownValue) {
        qCDebug(lcXDCore, "dropping the live copy of a retained value already delivered");
        return;
    }
    if (!sameBytes(frame.head.senderName, lastSenderNameUtf8)) {
        lastSenderNameUtf8 = frame.head.senderName;
        lastSenderName = QString::fromUtf8(lastSenderNameUtf8);
    }
    if (verdict.missed > 0) {
        messagesLost(via, *channel, verdict.missed,
                     QStringLiteral("messages %1 to %2 of \"%3\" (pid %4) never arrived")
                             .arg(verdict.lastDelivered + 1)
                             .arg(meta.sequence - 1)
                             .arg(lastSenderName)
                             .arg(meta.senderPid));
    }
    if (!verdict.deliver) {
        qCDebug(lcXDCore, "dropping a copy of a message already delivered (%ls transport)",
                qUtf16Printable(xdTransportName(via)));
        return;
    }
    ListenerEvent &event = events.emplace_back(); // delivered when the transport says (deliverReceived())
    event.channelsRevision = channelsRevision;
    event.message = XDMessagePrivate::fromFrame(std::move(frame), *channel, lastSenderName, via);
}

void XDListenerPrivate::transportStateChanged(XDTransport via, const TransportFailure &failure)
{
    if (via == XDTransport::Network)
        setNetworkState(failure.error == XDError::NoError ? XDNetworkState::Connected : XDNetworkState::Disconnected,
                        failure.message);
    if (failure.error == XDError::NoError) {
        qCInfo(lcXDCore, "listening on %ls", qUtf16Printable(xdTransportName(via)));
        return;
    }
    failFromTransport(failure.error,
                      QStringLiteral("%1 transport stopped receiving: %2").arg(xdTransportName(via), failure.message));
}

void XDListenerPrivate::messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why)
{
    failFromTransport(XDError::MessagesLost, QStringLiteral("missed %1 messages on channel \"%2\" (%3 transport): %4")
                                                     .arg(count)
                                                     .arg(channel, xdTransportName(via), why));
    ListenerEvent event;
    event.kind = ListenerEvent::Kind::MessagesLost;
    event.text = channel;
    event.count = qint64(count);
    post(std::move(event));
}

XDSendResult XDListenerPrivate::reply(const XDMessage &request, const QByteArray &payload, XDMessage::PayloadType type)
{
    std::unique_ptr<XDBroadcaster> &broadcaster = replyBroadcasters[request.transport()];
    if (!broadcaster)
        broadcaster = std::make_unique<XDBroadcaster>(request.transport());
    return sendReply(broadcaster.get(), request, payload, type);
}

bool XDMessagingPrivate::registerReplyChannel(XDListener *listener, const QString &channel)
{
    const XDListenerPrivate::ApiCall call(listener->d.get());
    if (!listener->d->addChannel(channel, ChannelUse::Replies))
        return false;
    listener->d->clearError();
    return true;
}

// A retained value is shown once, outside the sequence numbering: messages sent after
// registration, older than the value but still on their way, are delivered after it,
// not dropped as old.
void XDListenerPrivate::retainedValueReceived(Frame &&frame, XDTransport via)
{
    const auto channel = channelsByUtf8.constFind(frame.head.channel);
    if (channel == channelsByUtf8.constEnd())
        return;
    const FrameMeta &meta = frame.head.meta;
    const auto shown = retainedShown.constFind(frame.head.channel);
    if (shown != retainedShown.constEnd() && shown->first == meta.publisher && shown->second == meta.sequence)
        return; // the same value from another store
    if (sequences.hasDelivered(meta.publisher, frame.head.channel, meta.sequence))
        return; // it came live already
    retainedShown.insert(frame.head.channel, {meta.publisher, meta.sequence});
    XDMessage message =
            XDMessagePrivate::fromFrame(std::move(frame), *channel, QString::fromUtf8(frame.head.senderName), via);
    XDMessagePrivate::markRetained(message);
    ListenerEvent event;
    event.channelsRevision = channelsRevision;
    event.message = std::move(message);
    events.push_back(std::move(event));
}

void XDListenerPrivate::takeLocalRetainedValue(const QString &channel)
{
    const auto local = std::find_if(transports.cbegin(), transports.cend(),
                                    [](const auto &transport) { return transport->kind() != XDTransport::Network; });
    if (local == transports.cend())
        return;
    std::optional<Frame> value = loadLocalRetainedValue(channel.toUtf8(), maximumSize);
    if (!value || value->payload.isEmpty())
        return;
    retainedValueReceived(std::move(*value), (*local)->kind());
    scheduleDelivery();
}

void XDListenerPrivate::livenessChanged()
{
    ListenerEvent event;
    event.kind = ListenerEvent::Kind::Readiness;
    post(std::move(event));
}

bool XDListenerPrivate::isReadyNow() const
{
    if (channels.isEmpty() || transports.empty())
        return false;
    return std::all_of(transports.cbegin(), transports.cend(),
                       [](const std::unique_ptr<ListenerTransport> &transport) { return transport->isLive(); });
}

bool XDListenerPrivate::updateReady()
{
    const bool now = isReadyNow();
    if (now == ready)
        return false;
    ready = now;
    return true;
}

ListenerManifest XDListenerPrivate::manifest() const
{
    ListenerManifest manifest;
    manifest.id = id;
    manifest.pid = QCoreApplication::applicationPid();
    manifest.name = q->name();
    for (const auto &transport : transports)
        manifest.transports.append(transport->kind());
    manifest.channels = channels;
    return manifest;
}

bool XDListenerPrivate::setError(XDError code, const QString &message)
{
    if (code == error && message == errorString)
        return false;
    error = code;
    errorString = message;
    return true;
}

bool XDListenerPrivate::fail(XDError code, const QString &message)
{
    postError(code, message, false); // the API call announces errorStringChanged() itself
    return false;
}

void XDListenerPrivate::failFromTransport(XDError code, const QString &message)
{
    postError(code, message, true);
}

void XDListenerPrivate::postError(XDError code, const QString &message, bool announceErrorString)
{
    qCDebug(lcXDCore, "listener error: %ls", qUtf16Printable(message));
    ListenerEvent event;
    event.kind = ListenerEvent::Kind::Error;
    event.errorStringChanged = setError(code, message) && announceErrorString;
    event.error = code;
    event.text = message;
    post(std::move(event));
}

bool XDListenerPrivate::ensureStarted()
{
    if (!transports.empty())
        return true;
    TransportFailure failure;
    const QList<XDTransport> kinds = resolveTransports(requested, &failure);
    for (const XDTransport kind : kinds) {
        auto transport = createListenerTransport(kind, manifest(), this, &failure);
        if (transport && transport->start(&failure)) {
            transports.push_back(std::move(transport));
            if (kind == XDTransport::Network)
                setNetworkState(XDNetworkState::Connecting, QString());
        } else {
            qCDebug(lcXDCore, "not listening on %ls: %ls", qUtf16Printable(xdTransportName(kind)),
                    qUtf16Printable(failure.message));
            // A configured network that cannot start is reported even when Auto goes on
            // without it.
            if (kind == XDTransport::Network)
                setNetworkState(XDNetworkState::Disconnected, failure.message);
        }
    }
    if (transports.empty())
        return fail(failure.error, QStringLiteral("cannot start listening: %1").arg(failure.message));
    return true;
}

void XDListenerPrivate::stopTransports()
{
    transports.clear();
    setNetworkState(XDNetworkState::Off, QString());
}

bool XDListenerPrivate::addChannel(const QString &channel, ChannelUse use)
{
    const QString problem = channelNameProblem(channel, use);
    if (!problem.isEmpty()) {
        return fail(XDError::InvalidChannelName,
                    QStringLiteral("cannot register channel \"%1\": %2").arg(printableChannelName(channel), problem));
    }
    if (!ensureStarted())
        return false;
    if (channels.contains(channel))
        return true;
    // Accept the channel locally before senders can see it.
    const QByteArray utf8 = channel.toUtf8();
    channels.append(channel);
    channelsByUtf8.insert(utf8, channel);
    channelsChanged();
    sequences.forgetChannel(utf8);
    if (!publish()) {
        channels.removeLast();
        channelsByUtf8.remove(channel.toUtf8());
        channelsChanged();
        return false;
    }
    // Read after publishing: a value set from now on also comes live, and is shown once.
    if (use == ChannelUse::Application)
        takeLocalRetainedValue(channel);
    return true;
}

bool XDListenerPrivate::removeChannel(const QString &channel)
{
    if (!channels.contains(channel)) {
        return fail(XDError::InvalidChannelName,
                    QStringLiteral("channel \"%1\" is not registered").arg(printableChannelName(channel)));
    }
    // Filter first: from here on nothing of this channel is delivered, whatever senders
    // still believe.
    channels.removeAll(channel);
    channelsByUtf8.remove(channel.toUtf8());
    channelsChanged();
    retainedShown.remove(channel.toUtf8());
    return publish();
}

bool XDListenerPrivate::publish()
{
    const ListenerManifest current = manifest();
    for (const auto &transport : transports) {
        QString message;
        if (!transport->publish(current, &message)) {
            return fail(XDError::RuntimeDirectoryError,
                        QStringLiteral("cannot publish the channels of this listener: %1").arg(message));
        }
    }
    return true;
}

XDListener::XDListener(QObject *parent) : XDListener(XDTransport::Auto, parent) {}

XDListener::XDListener(XDTransport transport, QObject *parent)
    : QObject(parent), d(std::make_unique<XDListenerPrivate>(this, transport))
{}

// Transports go first: they withdraw this listener before anything else is torn down.
XDListener::~XDListener()
{
    d->transports.clear();
}

bool XDListener::registerChannel(const QString &channel)
{
    const XDListenerPrivate::ApiCall call(d.get());
    if (!d->addChannel(channel))
        return false;
    d->clearError();
    return true;
}

bool XDListener::unregisterChannel(const QString &channel)
{
    const XDListenerPrivate::ApiCall call(d.get());
    if (!d->removeChannel(channel))
        return false;
    d->clearError();
    return true;
}

XDSendResult XDListener::reply(const XDMessage &request, const QString &text)
{
    return d->reply(request, text.toUtf8(), XDMessage::PayloadType::Text);
}

XDSendResult XDListener::reply(const XDMessage &request, const char *text)
{
    return reply(request, QString::fromUtf8(text));
}

XDSendResult XDListener::reply(const XDMessage &request, const QByteArray &payload)
{
    return d->reply(request, payload, XDMessage::PayloadType::Binary);
}

XDSendResult XDListener::reply(const XDMessage &request, const QJsonDocument &json)
{
    return d->reply(request, json.toJson(QJsonDocument::Compact), XDMessage::PayloadType::Json);
}

bool XDListener::isReady() const
{
    return d->ready;
}

QString XDListener::name() const
{
    return d->name.isEmpty() ? QCoreApplication::applicationName() : d->name;
}

void XDListener::setName(const QString &name)
{
    if (name == d->name)
        return;
    const XDListenerPrivate::ApiCall call(d.get());
    d->name = name;
    if (!d->transports.empty() && d->publish())
        d->clearError();
    Q_EMIT nameChanged();
}

QStringList XDListener::channels() const
{
    return d->channels;
}

void XDListener::setChannels(const QStringList &channels)
{
    const XDListenerPrivate::ApiCall call(d.get());
    const QStringList before = d->channels;
    XDError firstError = XDError::NoError;
    QString firstErrorString;
    const auto keepFirstFailure = [&](bool succeeded) {
        if (!succeeded && firstError == XDError::NoError) {
            firstError = d->error;
            firstErrorString = d->errorString;
        }
    };
    for (const QString &channel : before) {
        if (!channels.contains(channel))
            keepFirstFailure(d->removeChannel(channel));
    }
    for (const QString &channel : channels) {
        if (!d->channels.contains(channel))
            keepFirstFailure(d->addChannel(channel));
    }
    d->setError(firstError, firstErrorString);
}

XDTransport XDListener::transport() const
{
    QString ignored;
    return effectiveTransport(d->requested, &ignored);
}

void XDListener::setTransport(XDTransport transport)
{
    if (transport == d->requested)
        return;
    const XDListenerPrivate::ApiCall call(d.get());
    d->requested = transport;
    if (!d->transports.empty()) {
        d->stopTransports();
        if (!d->channels.isEmpty() && d->ensureStarted() && d->publish())
            d->clearError();
    }
}

QList<XDTransport> XDListener::activeTransports() const
{
    QList<XDTransport> kinds;
    for (const auto &transport : d->transports)
        kinds.append(transport->kind());
    return kinds;
}

QUuid XDListener::id() const
{
    return d->id;
}

qint64 XDListener::maximumMessageSize() const
{
    return d->maximumSize;
}

void XDListener::setMaximumMessageSize(qint64 bytes)
{
    const qint64 bounded = qBound<qint64>(0, bytes, std::numeric_limits<quint32>::max());
    if (bounded == d->maximumSize)
        return;
    d->maximumSize = bounded;
    Q_EMIT maximumMessageSizeChanged();
}

XDNetworkState XDListener::networkState() const
{
    return d->toldNetworkState;
}

XDError XDListener::error() const
{
    return d->error;
}

QString XDListener::errorString() const
{
    return d->errorString;
}
