// SPDX-License-Identifier: MIT
#pragma once

// The one private interface every transport implements. The core speaks only to this:
// it knows no socket, no X11 and no Redis.
//
// Sending side (one per transport and process, thread-safe): find the listeners of a
// channel, deliver an encoded frame to one of them, wait until queued frames are out.
// Listening side (one per listener and transport, used from the listener's thread):
// publish who I am and my channels; received frames go to a FrameSink.

#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdnetworksettings.h>

#include "codec/frame_p.h"
#include "codec/manifest_p.h"
#include "core/waituntil_p.h"

#include <QtCore/QDeadlineTimer>
#include <QtCore/QList>

#include <memory>
#include <optional>

namespace XDMessagingPrivate {

// A live listener as one transport sees it.
using ListenerRecord = ListenerManifest;

// Why a transport cannot be used: the public error code and a sentence for people.
struct TransportFailure
{
    XDError error = XDError::NoError;
    QString message;
};

struct DeliveryOptions
{
    qint64 queueLimit = 0; // bytes queued for one listener before sends wait
    SendTiming timing; // when the send started: a delivery waits for a listener until its deadline()
    quint64 senderToken = 0; // identifies the broadcaster, for later failure reports
};

struct DeliveryOutcome
{
    enum class Status {
        Accepted, // written, or queued within the limit
        Gone, // the listener no longer exists (its endpoint was stale and is cleaned)
        Failed, // alive but could not take the message: error and reason say why
    };
    Status status = Status::Accepted;
    XDError error = XDError::NoError;
    QString reason;
};

// How a sender's connection to the network is doing; Off for the local transports.
struct NetworkStatus
{
    XDNetworkState state = XDNetworkState::Off;
    QString error;
};

class SenderTransport
{
public:
    virtual ~SenderTransport() = default;
    virtual XDTransport kind() const = 0;
    // A number that moves whenever what listenersOf() answers may have changed (a
    // directory or registry change, a stale listener removed). Cheap: called on every
    // send, so that a broadcaster asks listenersOf() again only when it moved. Sets
    // *failure like listenersOf() when the transport cannot look right now.
    virtual quint64 listenersGeneration(TransportFailure *failure) = 0;
    // The listeners registered on channel, as last published; some may have died since,
    // which deliver() finds out. When the transport cannot look right now (runtime
    // directory gone, display lost), sets *failure: "nobody listens" and "cannot tell"
    // must not look alike.
    virtual QList<ListenerRecord> listenersOf(const QString &channel, TransportFailure *failure) = 0;
    // Every listener, each checked to be alive; for listings, not for sending.
    virtual QList<ListenerRecord> liveListeners() = 0;
    virtual DeliveryOutcome deliver(const ListenerRecord &listener, const EncodedFrame &frame,
                                    const DeliveryOptions &options) = 0;
    // Waits until nothing queued by senderToken is left; false on timeout.
    virtual bool flush(quint64 senderToken, QDeadlineTimer deadline) = 0;
    virtual NetworkStatus networkStatus() const { return {}; }
};

// What a listener transport reports to. None of these calls emits a signal: each queues
// what the listener will tell its slots. Errors, losses and state changes are told from
// the listener's event loop; received frames when the transport says so.
class FrameSink
{
public:
    // Queues a frame; deliverReceived() hands the queue to the slots.
    virtual void frameReceived(Frame &&frame, XDTransport via) = 0;
    enum class Delivery {
        // Now: only at the end of a read handler that touches nothing of its own
        // afterwards, or only after checking that it still exists (a slot may delete the
        // listener, and the transport with it, or run a nested event loop).
        Now,
        // From the listener's event loop: anywhere else, inside a library's callback too.
        FromEventLoop,
    };
    virtual void deliverReceived(Delivery when) = 0;
    virtual qint64 maximumMessageSize() const = 0;
    // A running transport lost the ability to receive (or got it back: NoError).
    virtual void transportStateChanged(XDTransport via, const TransportFailure &failure) = 0;
    // count messages on channel are known to be gone before this listener read them.
    virtual void messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why) = 0;
    // What ListenerTransport::isLive() says may have changed.
    virtual void livenessChanged() = 0;
    // A channel's retained value, read from a store when the channel was registered
    // (the network transport's; the core reads the local one itself). Queued like
    // frameReceived(); delivered flagged XDMessage::isRetained(), once.
    virtual void retainedValueReceived(Frame &&frame, XDTransport via) = 0;

protected:
    ~FrameSink() = default;
};

class ListenerTransport
{
public:
    virtual ~ListenerTransport() = default;
    virtual XDTransport kind() const = 0;
    // Starts listening; frames then go to the sink given at creation.
    virtual bool start(TransportFailure *failure) = 0;
    // Publishes (or replaces) what senders see of this listener.
    virtual bool publish(const ListenerManifest &manifest, QString *error) = 0;
    // True when every channel published is received: what is sent to it from now on
    // arrives. The local transports are live once publish() returned; the network once
    // Redis confirmed where each channel's reading starts.
    virtual bool isLive() const { return true; }
};

// Watching who listens (XDPresence), one per watcher and transport, used from the
// watcher's thread. A source tells its sink, from its event handlers, what it sees:
// listenerSeen() for a listener new to it or with a changed manifest, listenerGone() when
// one left. A source must notice a listener that dies without a word (killed), within
// 2 s on the local transports, and say so (vanished). The sink only queues: a source may be destroyed after any
// call returns.
class PresenceSink
{
public:
    virtual void listenerSeen(XDTransport via, const ListenerRecord &listener) = 0;
    virtual void listenerGone(XDTransport via, const QUuid &id, bool vanished) = 0;
    // The source can no longer watch (or can again: NoError).
    virtual void presenceStateChanged(XDTransport via, const TransportFailure &failure) = 0;

protected:
    ~PresenceSink() = default;
};

class PresenceSource
{
public:
    virtual ~PresenceSource() = default;
    virtual XDTransport kind() const = 0;
    // Starts watching. A local source reports every listener alive now through
    // listenerSeen() before it returns; the network's once Redis answered. Later changes
    // come from the event loop.
    virtual bool start(TransportFailure *failure) = 0;
};

// The transports a request stands for: Auto (after XDMESSAGING_TRANSPORT) becomes
// every transport built in and usable here; an explicit one stays itself.
// Returns an empty list and sets *failure when nothing fits.
QList<XDTransport> resolveTransports(XDTransport requested, TransportFailure *failure);
// XDMESSAGING_TRANSPORT applied to Auto; sets *error when the variable is invalid.
XDTransport effectiveTransport(XDTransport requested, QString *error);

// The process-wide sender of a transport; null with *failure when it cannot run here.
std::shared_ptr<SenderTransport> senderTransport(XDTransport kind, TransportFailure *failure);
// A listening side for one listener; frames go to sink once start() succeeded.
std::unique_ptr<ListenerTransport> createListenerTransport(XDTransport kind, const ListenerManifest &identity,
                                                           FrameSink *sink, TransportFailure *failure);

// A watcher of who listens on kind, reporting to sink once start() succeeded.
std::unique_ptr<PresenceSource> createPresenceSource(XDTransport kind, PresenceSink *sink, TransportFailure *failure);

// The retained values of this machine's listeners (the runtime directory, see
// transports/localsocket/retainedstore_p.h), for every local transport.
bool storeLocalRetainedValue(QByteArrayView channelUtf8, const EncodedFrame &frame, QString *error);
std::optional<Frame> loadLocalRetainedValue(QByteArrayView channelUtf8, qint64 maximumPayload);

// Reports messages a transport had accepted but could not hand over; reaches the
// broadcaster that sent them through its deliveryFailed() signal.
void reportLostMessages(quint64 senderToken, const QString &listenerDescription, int messageCount,
                        const QString &reason);

// Reports a change of a network sender's connection; reaches the broadcasters that
// propagate through it by their networkStateChanged() signal.
void reportNetworkState(const SenderTransport *sender, const NetworkStatus &status);

} // namespace XDMessagingPrivate
