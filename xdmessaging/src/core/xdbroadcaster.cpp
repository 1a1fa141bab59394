// SPDX-License-Identifier: MIT
#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdmessage.h>

#include "core/channelname_p.h"
#include "core/listenerinfo_p.h"
#include "core/logging_p.h"
#include "core/messageid_p.h"
#include "core/replyinbox_p.h"
#include "core/transport_p.h"
#include "core/wallclock_p.h"
#include "core/xdmessage_p.h"
#include "core/xdrequest_p.h"
#include "core/xdsendresult_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QJsonDocument>
#include <QtCore/QPointer>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>

#include <atomic>
#include <mutex>
#include <vector>

using namespace XDMessagingPrivate;

namespace {

constexpr int DefaultSendTimeoutMs = 1000;
constexpr qint64 DefaultQueueLimit = 64 * 1024 * 1024;

// Broadcasters by token, so a transport can report messages lost after a send returned,
// and which network sender each propagates through, for its state changes.
struct RegisteredBroadcaster
{
    QPointer<XDBroadcaster> broadcaster;
    const SenderTransport *networkSender = nullptr;
};

struct BroadcasterRegistry
{
    std::mutex mutex;
    QHash<quint64, RegisteredBroadcaster> broadcasters;
};

BroadcasterRegistry &registry()
{
    static BroadcasterRegistry instance;
    return instance;
}

quint64 newSenderToken()
{
    static std::atomic<quint64> counter {0};
    return ++counter;
}

struct Target
{
    SenderTransport *transport;
    ListenerRecord listener;
    bool network; // the network is one target standing for unknown listeners
};

// The targets of one channel, resolved once and kept while every transport's listeners
// generation stays what it was then: a send builds no list and copies no listener.
struct TargetSnapshot
{
    QList<Target> targets;
    std::vector<SenderTransport *> transports; // resolved through, in order
    std::vector<quint64> generations; // of each, when resolved
    bool reusable = false; // false when a transport could not look
};

// XDTransport::Network, asked for or by XDMESSAGING_TRANSPORT: Redis only, nothing local.
bool isNetworkOnly(XDTransport requested)
{
    QString ignored;
    return effectiveTransport(requested, &ignored) == XDTransport::Network;
}

} // namespace

namespace XDMessagingPrivate {

void reportLostMessages(quint64 senderToken, const QString &listenerDescription, int messageCount,
                        const QString &reason)
{
    BroadcasterRegistry &r = registry();
    std::lock_guard lock(r.mutex);
    XDBroadcaster *broadcaster = r.broadcasters.value(senderToken).broadcaster;
    if (!broadcaster)
        return;
    QMetaObject::invokeMethod(
            broadcaster,
            [broadcaster, listenerDescription, messageCount, reason] {
                Q_EMIT broadcaster->deliveryFailed(listenerDescription, messageCount, reason);
            },
            Qt::QueuedConnection);
}

} // namespace XDMessagingPrivate

// What makes a frame a request or a reply (frame_p.h); nothing for a plain message.
struct FrameMarking
{
    quint16 flags = 0;
    MessageId reference {};
    ChannelUse use = ChannelUse::Application;
};

class XDBroadcasterPrivate
{
public:
    explicit XDBroadcasterPrivate(XDTransport requested) : requested(requested), networkOnly(isNetworkOnly(requested))
    {}

    static XDBroadcasterPrivate *of(XDBroadcaster *broadcaster) { return broadcaster->d.get(); }

    // Sends; *sentId, when given, receives the message id (a request's replies name it).
    XDSendResult send(const QString &channel, const QByteArray &payload, XDMessage::PayloadType type,
                      const FrameMarking &marking = {}, MessageId *sentId = nullptr);
    XDRequest *request(XDBroadcaster *q, const QString &channel, const QByteArray &payload, XDMessage::PayloadType type,
                       int timeoutMs);
    QList<std::shared_ptr<SenderTransport>> senders(TransportFailure *failure);
    // The transports a send goes through: senders() and, when propagating, the network.
    // Kept while sendersRevision stays, so that a send takes no lock for them. Empty
    // with *failure when there is none. Under sendMutex.
    const QList<std::shared_ptr<SenderTransport>> &sendingTransports(TransportFailure *failure,
                                                                     TransportFailure *networkFailure);
    // Moves whenever what sendingTransports() resolves to may change.
    void sendersChanged() { ++sendersRevision; }
    std::shared_ptr<SenderTransport> networkSender(TransportFailure *failure);
    QList<std::shared_ptr<SenderTransport>> usedSenders()
    {
        std::lock_guard lock(sendersMutex);
        QList<std::shared_ptr<SenderTransport>> used = resolvedSenders;
        QList<std::shared_ptr<SenderTransport>> others = retiredSenders;
        if (resolvedNetworkSender)
            others.append(resolvedNetworkSender);
        for (const auto &transport : std::as_const(others)) {
            if (!used.contains(transport))
                used.append(transport);
        }
        return used;
    }
    // What this broadcaster knows of a channel it sends to: its UTF-8 form, the last
    // number it gave a message there, and where its messages went last.
    struct ChannelNumbering
    {
        QByteArray utf8;
        quint64 lastSequence = 0;
        TargetSnapshot targets;
    };
    // The targets of channel through transports, from its snapshot while that is current.
    const QList<Target> &targetsOf(ChannelNumbering *channel, const QString &channelName,
                                   const QList<std::shared_ptr<SenderTransport>> &transports,
                                   TransportFailure *failure);
    // The numbering of channel when it is a valid name, else null with *problem. Senders
    // repeat their channel: the last one is found without a lookup. Under sendMutex.
    ChannelNumbering *numberingOf(const QString &channel, ChannelUse use, QString *problem);
    // From now on this broadcaster is a publisher listeners have not heard of: its
    // listeners change wholesale (another transport, the network added), and a gap
    // between the old and the new numbers would be no loss.
    void startNewPublisher()
    {
        std::lock_guard lock(sendMutex);
        if (numbering.isEmpty())
            return;
        publisher = nextPublisherId();
        numbering.clear();
        lastNumbering = nullptr;
    }
    // From the event loop: networkState() becomes what the signal tells.
    static void tellNetworkState(XDBroadcaster *q, const NetworkStatus &status)
    {
        {
            std::lock_guard lock(q->d->sendersMutex);
            q->d->toldNetworkState = status.state;
        }
        Q_EMIT q->networkStateChanged(status.state, status.error);
    }
    // propagateToNetwork() changed, and with it networkState().
    void propagationChanged(XDBroadcaster *q)
    {
        Q_EMIT q->propagateToNetworkChanged();
        Q_EMIT q->networkStateChanged(q->networkState(), QString());
    }

    // Set at construction and by setTransport(); networkOnly is decided then, with
    // XDMESSAGING_TRANSPORT applied, because every send asks.
    std::atomic<XDTransport> requested;
    std::atomic<bool> networkOnly;
    const quint64 token = newSenderToken();
    const qint64 pid = QCoreApplication::applicationPid();
    std::atomic<int> sendTimeout {DefaultSendTimeoutMs};
    std::atomic<qint64> queueLimit {DefaultQueueLimit};
    std::atomic<qint64> maximumMessageSize {XDBroadcaster::DefaultMaximumMessageSize};
    std::atomic<bool> propagate {false};

    std::mutex sendersMutex;
    QList<std::shared_ptr<SenderTransport>> resolvedSenders; // kept once resolved
    // Senders of the transports used before setTransport(): flush() still waits for them.
    QList<std::shared_ptr<SenderTransport>> retiredSenders;
    std::shared_ptr<SenderTransport> resolvedNetworkSender; // kept once resolved
    // Its state as the signals so far told it (or as it was when resolved): what
    // networkState() returns, so that a reader never sees a state whose
    // networkStateChanged() is still to come.
    XDNetworkState toldNetworkState = XDNetworkState::Disconnected;
    QByteArray senderNameUtf8;
    std::atomic<quint64> sendersRevision {0};

    // One send at a time: the numbers of a channel must reach each listener in order,
    // so numbering and handing over to the transports are one step.
    std::mutex sendMutex;
    quint64 publisher = nextPublisherId();
    QHash<QString, ChannelNumbering> numbering;
    QString lastChannel;
    ChannelNumbering *lastNumbering = nullptr; // into numbering, for lastChannel
    EncodedFrame lastFrame; // reused: its head's buffer, when no transport holds it
    QList<std::shared_ptr<SenderTransport>> sendingThrough; // by sendingTransports()
    quint64 sendingThroughRevision = ~quint64(0); // of sendersRevision; never one that failed

    std::unique_ptr<ReplyInbox> inbox; // made by the first request(), in this thread
};

namespace {

// Channels one publisher numbers; a broadcaster sending to more becomes a new publisher
// rather than grow without bound.
constexpr qsizetype MaximumNumberedChannels = 16384;

} // namespace

XDBroadcasterPrivate::ChannelNumbering *XDBroadcasterPrivate::numberingOf(const QString &channel, ChannelUse use,
                                                                          QString *problem)
{
    if (lastNumbering && !channel.isEmpty() && channel == lastChannel) // "" equals the null QString
        return lastNumbering;
    auto found = numbering.find(channel);
    if (found == numbering.end()) {
        *problem = channelNameProblem(channel, use);
        if (!problem->isEmpty())
            return nullptr;
        if (numbering.size() >= MaximumNumberedChannels) {
            publisher = nextPublisherId();
            numbering.clear();
        }
        found = numbering.insert(channel, ChannelNumbering {channel.toUtf8(), 0, {}});
    }
    lastChannel = channel;
    lastNumbering = &found.value();
    return lastNumbering;
}

QList<std::shared_ptr<SenderTransport>> XDBroadcasterPrivate::senders(TransportFailure *failure)
{
    if (networkOnly) {
        if (auto network = networkSender(failure))
            return {network};
        return {};
    }
    std::lock_guard lock(sendersMutex);
    if (!resolvedSenders.isEmpty())
        return resolvedSenders;
    QList<XDTransport> kinds = resolveTransports(requested, failure);
    // Auto listens on the network when Redis is configured, but sends there only with
    // propagation on (see networkSender()).
    if (kinds.size() > 1)
        kinds.removeAll(XDTransport::Network);
    QList<std::shared_ptr<SenderTransport>> found;
    for (const XDTransport kind : kinds) {
        if (auto sender = senderTransport(kind, failure))
            found.append(std::move(sender));
    }
    // A failure is not cached: the runtime directory or the display may be fixed later.
    if (!found.isEmpty()) {
        resolvedSenders = found;
        senderNameUtf8 = QCoreApplication::applicationName().toUtf8();
        sendersChanged();
    }
    return found;
}

const QList<std::shared_ptr<SenderTransport>> &XDBroadcasterPrivate::sendingTransports(TransportFailure *failure,
                                                                                       TransportFailure *networkFailure)
{
    const quint64 revision = sendersRevision.load();
    if (revision == sendingThroughRevision)
        return sendingThrough;
    sendingThrough = senders(failure);
    if (!sendingThrough.isEmpty() && propagate.load() && !networkOnly) {
        if (auto network = networkSender(networkFailure))
            sendingThrough.append(std::move(network));
    }
    // Nothing that failed is kept: the runtime directory, the display or Redis may be
    // there for the next send.
    const bool failed = sendingThrough.isEmpty() || networkFailure->error != XDError::NoError;
    sendingThroughRevision = failed ? ~quint64(0) : revision;
    return sendingThrough;
}

namespace XDMessagingPrivate {

void reportNetworkState(const SenderTransport *sender, const NetworkStatus &status)
{
    BroadcasterRegistry &r = registry();
    std::lock_guard lock(r.mutex);
    for (const RegisteredBroadcaster &registered : std::as_const(r.broadcasters)) {
        XDBroadcaster *broadcaster = registered.broadcaster;
        if (!broadcaster || registered.networkSender != sender)
            continue;
        QMetaObject::invokeMethod(
                broadcaster, [broadcaster, status] { XDBroadcasterPrivate::tellNetworkState(broadcaster, status); },
                Qt::QueuedConnection);
    }
}

} // namespace XDMessagingPrivate

std::shared_ptr<SenderTransport> XDBroadcasterPrivate::networkSender(TransportFailure *failure)
{
    {
        std::lock_guard lock(sendersMutex);
        if (resolvedNetworkSender)
            return resolvedNetworkSender;
    }
    // Not cached when it fails: a Redis URL may be configured later.
    std::shared_ptr<SenderTransport> sender = senderTransport(XDTransport::Network, failure);
    if (!sender)
        return {};
    // Registered first, so that every state change after the one read below is told;
    // one told before and read here again changes nothing.
    {
        BroadcasterRegistry &r = registry();
        std::lock_guard lock(r.mutex);
        r.broadcasters[token].networkSender = sender.get();
    }
    std::lock_guard lock(sendersMutex);
    resolvedNetworkSender = sender;
    toldNetworkState = sender->networkStatus().state;
    sendersChanged();
    // On XDTransport::Network this is the only sender resolved.
    if (senderNameUtf8.isEmpty())
        senderNameUtf8 = QCoreApplication::applicationName().toUtf8();
    return sender;
}

namespace {

// Whether snapshot still says where a message goes through transports. Every transport
// is asked, as each may need to catch up with what changed (X11 reads its events).
bool isCurrent(const TargetSnapshot &snapshot, const QList<std::shared_ptr<SenderTransport>> &transports)
{
    bool current = snapshot.reusable && snapshot.transports.size() == size_t(transports.size());
    for (qsizetype i = 0; i < transports.size(); ++i) {
        TransportFailure failure; // listenersOf() says it again, for the result
        const quint64 generation = transports[i]->listenersGeneration(&failure);
        current = current && failure.error == XDError::NoError && snapshot.transports[size_t(i)] == transports[i].get()
                  && snapshot.generations[size_t(i)] == generation;
    }
    return current;
}

// The generation of each transport is read before its listeners: a change in between
// makes the next send resolve again, never keeps a stale snapshot.
TargetSnapshot resolveTargets(const QString &channel, const QList<std::shared_ptr<SenderTransport>> &transports,
                              TransportFailure *failure)
{
    TargetSnapshot snapshot;
    snapshot.reusable = true;
    QSet<QUuid> seen; // in Auto, a listener on several transports is reached once
    for (const auto &transport : transports) {
        snapshot.transports.push_back(transport.get());
        TransportFailure lookFailure;
        snapshot.generations.push_back(transport->listenersGeneration(&lookFailure));
        const QList<ListenerRecord> listeners = transport->listenersOf(channel, &lookFailure);
        if (lookFailure.error != XDError::NoError) {
            *failure = lookFailure;
            snapshot.reusable = false;
        }
        const bool network = transport->kind() == XDTransport::Network;
        for (const ListenerRecord &listener : listeners) {
            if (transports.size() > 1) {
                if (seen.contains(listener.id))
                    continue;
                seen.insert(listener.id);
            }
            snapshot.targets.append({transport.get(), listener, network});
        }
    }
    return snapshot;
}

} // namespace

const QList<Target> &XDBroadcasterPrivate::targetsOf(ChannelNumbering *channel, const QString &channelName,
                                                     const QList<std::shared_ptr<SenderTransport>> &transports,
                                                     TransportFailure *failure)
{
    if (!isCurrent(channel->targets, transports))
        channel->targets = resolveTargets(channelName, transports, failure);
    return channel->targets.targets;
}

XDSendResult XDBroadcasterPrivate::send(const QString &channel, const QByteArray &payload, XDMessage::PayloadType type,
                                        const FrameMarking &marking, MessageId *sentId)
{
    const qint64 limit = maximumMessageSize.load();
    if (payload.size() > limit) {
        return XDSendResult::failure(XDError::MessageTooLarge,
                                     QStringLiteral("message of %1 bytes exceeds the maximum message size of %2 bytes; "
                                                    "nothing was sent")
                                             .arg(payload.size())
                                             .arg(limit));
    }
    std::lock_guard sending(sendMutex);
    QString problem;
    ChannelNumbering *channelNumbering = numberingOf(channel, marking.use, &problem);
    if (!channelNumbering) {
        return XDSendResult::failure(
                XDError::InvalidChannelName,
                QStringLiteral("cannot send to channel \"%1\": %2").arg(printableChannelName(channel), problem));
    }
    TransportFailure failure;
    TransportFailure networkFailure;
    const QList<std::shared_ptr<SenderTransport>> &transports = sendingTransports(&failure, &networkFailure);
    if (transports.isEmpty())
        return XDSendResult::failure(failure.error, QStringLiteral("cannot send: %1").arg(failure.message));

    DeliveryOptions options;
    options.queueLimit = queueLimit.load();
    options.timing = SendTiming(sendTimeout.load());
    options.senderToken = token;

    FrameMeta meta;
    meta.payloadType = quint8(type);
    meta.senderPid = pid;
    // The send's one clock read: its timeout and the transports' idle checks start from it.
    meta.timestampMs = wallClockMs(options.timing.start());
    meta.id = nextMessageId();
    meta.publisher = publisher;
    // Numbered even when it reaches nobody: a listener it should have reached sees the gap.
    meta.sequence = ++channelNumbering->lastSequence;
    meta.flags = marking.flags;
    meta.reference = marking.reference;
    if (sentId)
        *sentId = meta.id;
    EncodedFrame &frame = lastFrame;
    encodeFrameInto(meta, channelNumbering->utf8, senderNameUtf8, payload, &frame);
    // The payload is the caller's: not held past this send, so that writing to it next
    // does not copy it (the head's buffer is kept for the next send).
    const auto releasePayload = qScopeGuard([&frame] { frame.payload = QByteArray(); });
    QString retainedProblem;
    if (frame.isRetainedValue() && !networkOnly)
        storeLocalRetainedValue(channelNumbering->utf8, frame, &retainedProblem);

    TransportFailure lookupFailure;
    const QList<Target> &targets = targetsOf(channelNumbering, channel, transports, &lookupFailure);
    // What went wrong is gathered apart: a send that went well shares its result.
    XDError error = XDError::NoError;
    QStringList failures;
    int reached = 0;
    bool propagated = false;
    if (lookupFailure.error != XDError::NoError) {
        error = lookupFailure.error;
        failures.append(QStringLiteral("cannot look up listeners: %1").arg(lookupFailure.message));
    }
    if (!retainedProblem.isEmpty())
        error = XDError::RuntimeDirectoryError; // the live deliveries go on
    QString networkProblem; // the network is no listener: reported apart
    if (networkFailure.error != XDError::NoError) {
        error = networkFailure.error;
        networkProblem = QStringLiteral("not propagated: %1").arg(networkFailure.message);
    }
    for (const Target &target : targets) {
        const DeliveryOutcome outcome = target.transport->deliver(target.listener, frame, options);
        if (outcome.status == DeliveryOutcome::Status::Accepted) {
            // The network is one target standing for unknown listeners: not counted.
            if (target.network)
                propagated = true;
            else
                ++reached;
        } else if (outcome.status == DeliveryOutcome::Status::Failed) {
            if (error == XDError::NoError)
                error = outcome.error;
            if (target.network)
                networkProblem = outcome.reason;
            else
                failures.append(outcome.reason);
        }
    }
    if (error == XDError::NoError && failures.isEmpty() && networkProblem.isEmpty())
        return XDSendResultPrivate::success(reached, propagated);

    XDSendResult result;
    XDSendResultPrivate *r = XDSendResultPrivate::get(result);
    r->error = error;
    r->reached = reached;
    r->propagated = propagated;
    r->failures = failures;
    QStringList problems;
    if (!r->failures.isEmpty()) {
        problems.append(QStringLiteral("message on channel \"%1\" did not reach %2 of %3 listeners: %4")
                                .arg(channel)
                                .arg(r->failures.size())
                                .arg(r->failures.size() + r->reached)
                                .arg(r->failures.join(QStringLiteral("; "))));
    }
    if (!networkProblem.isEmpty()) {
        problems.append(QStringLiteral("message on channel \"%1\" was %2").arg(channel, networkProblem));
        r->failures.append(networkProblem);
    }
    if (!retainedProblem.isEmpty()) {
        problems.append(QStringLiteral("message on channel \"%1\" was not kept as its retained value: %2")
                                .arg(channel, retainedProblem));
    }
    r->errorString = problems.join(QStringLiteral("; "));
    return result;
}

XDRequest *XDBroadcasterPrivate::request(XDBroadcaster *q, const QString &channel, const QByteArray &payload,
                                         XDMessage::PayloadType type, int timeoutMs)
{
    const auto failed = [&](XDError error, const QString &why) {
        return XDRequestPrivate::create(QThread::currentThread() == q->thread() ? q : nullptr, channel, MessageId(),
                                        XDSendResult::failure(error, why), true, 0);
    };
    if (QThread::currentThread() != q->thread()) {
        return failed(XDError::TransportUnavailable,
                      QStringLiteral("request() must be called from the broadcaster's thread"));
    }
    if (!inbox) {
        auto started = std::make_unique<ReplyInbox>();
        QString error;
        if (!started->start(&error))
            return failed(XDError::TransportUnavailable, QStringLiteral("cannot receive replies: %1").arg(error));
        inbox = std::move(started);
    }
    MessageId id;
    const XDSendResult result = send(channel, payload, type, {RequestFlag, inbox->address()}, &id);
    const bool countable = !result.propagatedToNetwork();
    XDRequest *request = XDRequestPrivate::create(q, channel, id, result, countable, timeoutMs);
    inbox->expect(id, request);
    return request;
}

XDSendResult XDMessagingPrivate::sendReply(XDBroadcaster *broadcaster, const XDMessage &request,
                                           const QByteArray &payload, XDMessage::PayloadType type)
{
    const XDMessagePrivate *asked = XDMessagePrivate::get(request);
    if (!request.isRequest()) {
        return XDSendResult::failure(XDError::NotARequest,
                                     QStringLiteral("the message on \"%1\" is no request: nobody waits for a reply")
                                             .arg(printableChannelName(request.channel())));
    }
    const QString replyChannel = QString::fromLatin1(replyChannelOf(asked->reference));
    const FrameMarking marking {ReplyFlag, asked->id, ChannelUse::Replies};
    return XDBroadcasterPrivate::of(broadcaster)->send(replyChannel, payload, type, marking);
}

XDBroadcaster::XDBroadcaster(QObject *parent) : XDBroadcaster(XDTransport::Auto, parent) {}

XDBroadcaster::XDBroadcaster(XDTransport transport, QObject *parent)
    : QObject(parent), d(std::make_unique<XDBroadcasterPrivate>(transport))
{
    {
        BroadcasterRegistry &r = registry();
        std::lock_guard lock(r.mutex);
        r.broadcasters.insert(d->token, {this, nullptr});
    }
    // Connecting starts now, so that the first send finds Redis ready.
    TransportFailure ignored;
    if (d->networkOnly)
        d->senders(&ignored);
}

XDBroadcaster::~XDBroadcaster()
{
    {
        BroadcasterRegistry &r = registry();
        std::lock_guard lock(r.mutex);
        r.broadcasters.remove(d->token);
    }
    if (!flush())
        qCWarning(lcXDCore, "a broadcaster was destroyed with messages still queued; they stay "
                            "queued while the process runs");
}

XDSendResult XDBroadcaster::sendToChannel(const QString &channel, const QString &text)
{
    return d->send(channel, text.toUtf8(), XDMessage::PayloadType::Text);
}

XDSendResult XDBroadcaster::sendToChannel(const QString &channel, const char *text)
{
    // The only overload whose text can be invalid: QString::toUtf8() and
    // QJsonDocument::toJson() always produce valid UTF-8.
    const QByteArray utf8(text);
    if (!isValidUtf8(utf8)) {
        return XDSendResult::failure(XDError::InvalidPayload,
                                     QStringLiteral("cannot send to channel \"%1\": the text is not valid UTF-8 "
                                                    "(send bytes as a QByteArray); nothing was sent")
                                             .arg(printableChannelName(channel)));
    }
    return d->send(channel, utf8, XDMessage::PayloadType::Text);
}

XDSendResult XDBroadcaster::sendToChannel(const QString &channel, const QByteArray &payload)
{
    return d->send(channel, payload, XDMessage::PayloadType::Binary);
}

XDSendResult XDBroadcaster::sendToChannel(const QString &channel, const QJsonDocument &json)
{
    return d->send(channel, json.toJson(QJsonDocument::Compact), XDMessage::PayloadType::Json);
}

XDSendResult XDBroadcaster::sendRetained(const QString &channel, const QString &text)
{
    return d->send(channel, text.toUtf8(), XDMessage::PayloadType::Text, {RetainedFlag});
}

XDSendResult XDBroadcaster::sendRetained(const QString &channel, const char *text)
{
    return sendRetained(channel, QString::fromUtf8(text));
}

XDSendResult XDBroadcaster::sendRetained(const QString &channel, const QByteArray &payload)
{
    return d->send(channel, payload, XDMessage::PayloadType::Binary, {RetainedFlag});
}

XDSendResult XDBroadcaster::sendRetained(const QString &channel, const QJsonDocument &json)
{
    return d->send(channel, json.toJson(QJsonDocument::Compact), XDMessage::PayloadType::Json, {RetainedFlag});
}

XDRequest *XDBroadcaster::request(const QString &channel, const QString &text, int timeoutMs)
{
    return d->request(this, channel, text.toUtf8(), XDMessage::PayloadType::Text, timeoutMs);
}

XDRequest *XDBroadcaster::request(const QString &channel, const char *text, int timeoutMs)
{
    return request(channel, QString::fromUtf8(text), timeoutMs);
}

XDRequest *XDBroadcaster::request(const QString &channel, const QByteArray &payload, int timeoutMs)
{
    return d->request(this, channel, payload, XDMessage::PayloadType::Binary, timeoutMs);
}

XDRequest *XDBroadcaster::request(const QString &channel, const QJsonDocument &json, int timeoutMs)
{
    return d->request(this, channel, json.toJson(QJsonDocument::Compact), XDMessage::PayloadType::Json, timeoutMs);
}

XDSendResult XDBroadcaster::send(const QString &channel, const QString &text, XDTransport transport)
{
    XDBroadcaster broadcaster(transport);
    XDSendResult result = broadcaster.sendToChannel(channel, text);
    if (result.listenersReached() > 0 && !broadcaster.flush()) {
        XDSendResultPrivate *r = XDSendResultPrivate::get(result);
        r->error = XDError::ListenerNotReading;
        r->errorString = QStringLiteral("not every listener of \"%1\" took the message within %2 ms; "
                                        "it stays queued while this process runs")
                                 .arg(channel)
                                 .arg(broadcaster.sendTimeout());
    }
    return result;
}

bool XDBroadcaster::flush(int msecs)
{
    const QDeadlineTimer deadline(msecs < 0 ? sendTimeout() : msecs);
    bool flushed = true;
    // Only transports this broadcaster has sent through can hold anything of it.
    const QList<std::shared_ptr<SenderTransport>> transports = d->usedSenders();
    for (const auto &transport : transports)
        flushed = transport->flush(d->token, deadline) && flushed;
    return flushed;
}

QList<XDListenerInfo> XDBroadcaster::listeners(QString *errorString) const
{
    TransportFailure failure;
    QList<XDListenerInfo> infos;
    QHash<QUuid, qsizetype> indexById;
    const QList<std::shared_ptr<SenderTransport>> transports = d->senders(&failure);
    if (transports.isEmpty() && errorString)
        *errorString = failure.message;
    for (const auto &transport : transports) {
        const QList<ListenerRecord> records = transport->liveListeners();
        for (const ListenerRecord &record : records) {
            if (isReplyInbox(record))
                continue;
            const auto known = indexById.constFind(record.id);
            if (known != indexById.constEnd()) {
                XDListenerInfo &info = infos[*known];
                if (!info.transports().contains(transport->kind()))
                    info.setTransports(info.transports() << transport->kind());
                continue;
            }
            indexById.insert(record.id, infos.size());
            infos.append(listenerInfo(record, transport->kind()));
        }
    }
    return infos;
}

XDTransport XDBroadcaster::transport() const
{
    QString ignored;
    return effectiveTransport(d->requested, &ignored);
}

void XDBroadcaster::setTransport(XDTransport transport)
{
    const bool wasPropagating = propagateToNetwork();
    {
        std::lock_guard lock(d->sendersMutex);
        if (transport == d->requested)
            return;
        d->requested = transport;
        d->networkOnly = isNetworkOnly(transport);
        for (const auto &sender : std::as_const(d->resolvedSenders)) {
            if (!d->retiredSenders.contains(sender))
                d->retiredSenders.append(sender);
        }
        d->resolvedSenders.clear();
        d->sendersChanged();
    }
    d->startNewPublisher();
    TransportFailure ignored;
    if (d->networkOnly)
        d->senders(&ignored); // connecting starts now, as at construction
    Q_EMIT transportChanged();
    if (propagateToNetwork() != wasPropagating)
        d->propagationChanged(this);
}

bool XDBroadcaster::propagateToNetwork() const
{
    return d->propagate.load() || d->networkOnly;
}

void XDBroadcaster::setPropagateToNetwork(bool propagate)
{
    const bool wasPropagating = propagateToNetwork();
    if (d->propagate.exchange(propagate) != propagate) {
        d->sendersChanged();
        d->startNewPublisher();
    }
    // Connecting starts now, so that the first send finds Redis ready; a failure is
    // reported by the sends.
    TransportFailure ignored;
    if (propagate)
        d->networkSender(&ignored);
    if (propagateToNetwork() != wasPropagating)
        d->propagationChanged(this);
}

XDNetworkState XDBroadcaster::networkState() const
{
    if (!propagateToNetwork())
        return XDNetworkState::Off;
    std::lock_guard lock(d->sendersMutex);
    return d->resolvedNetworkSender ? d->toldNetworkState : XDNetworkState::Disconnected;
}

int XDBroadcaster::sendTimeout() const
{
    return d->sendTimeout.load();
}

void XDBroadcaster::setSendTimeout(int msecs)
{
    const int timeout = qMax(0, msecs);
    if (d->sendTimeout.exchange(timeout) != timeout)
        Q_EMIT sendTimeoutChanged();
}

qint64 XDBroadcaster::queueLimit() const
{
    return d->queueLimit.load();
}

void XDBroadcaster::setQueueLimit(qint64 bytes)
{
    const qint64 limit = qMax<qint64>(0, bytes);
    if (d->queueLimit.exchange(limit) != limit)
        Q_EMIT queueLimitChanged();
}

qint64 XDBroadcaster::maximumMessageSize() const
{
    return d->maximumMessageSize.load();
}

void XDBroadcaster::setMaximumMessageSize(qint64 bytes)
{
    const qint64 maximum = qBound<qint64>(0, bytes, std::numeric_limits<quint32>::max());
    if (d->maximumMessageSize.exchange(maximum) != maximum)
        Q_EMIT maximumMessageSizeChanged();
}
