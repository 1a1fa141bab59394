// SPDX-License-Identifier: MIT
#include <XDMessaging/xdbroadcaster.h>
#include <XDMessaging/xdlistener.h>

#include "core/channelname_p.h"
#include "core/duplicatefilter_p.h"
#include "core/logging_p.h"
#include "core/transport_p.h"
#include "core/xdmessage_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QPointer>

#include <vector>

using namespace XDMessagingPrivate;

class XDListenerPrivate final : public FrameSink
{
public:
    XDListenerPrivate(XDListener *listener, XDTransport requested)
        : q(listener), requested(requested)
    {
    }

    void frameReceived(Frame &&frame, XDTransport via) override;
    qint64 maximumMessageSize() const override { return maximumSize; }
    void transportStateChanged(XDTransport via, const TransportFailure &failure) override;
    void messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why) override;

    bool ensureStarted();
    bool publish();
    ListenerManifest manifest() const;
    bool fail(XDError code, const QString &message);
    void setNetworkState(XDNetworkState state, const QString &error);

    XDListener *const q;
    const XDTransport requested;
    const QUuid id = QUuid::createUuid();
    QStringList channels;
    QHash<QByteArray, QString> channelsByUtf8; // what frames are filtered by
    std::vector<std::unique_ptr<ListenerTransport>> transports;
    qint64 maximumSize = XDBroadcaster::DefaultMaximumMessageSize;
    XDError error = XDError::NoError;
    QString errorString;
    QByteArray lastSenderNameUtf8; // senders repeat: decode each name once
    QString lastSenderName;
    DuplicateFilter duplicates; // consulted only when a message can arrive twice
    bool filterDuplicates = false; // several transports, or the network (a sender may replay)
    XDNetworkState networkState = XDNetworkState::Off;
};

void XDListenerPrivate::setNetworkState(XDNetworkState state, const QString &error)
{
    if (state == networkState && state != XDNetworkState::Disconnected)
        return;
    networkState = state;
    Q_EMIT q->networkStateChanged(state, error);
}

void XDListenerPrivate::frameReceived(Frame &&frame, XDTransport via)
{
    const auto channel = channelsByUtf8.constFind(frame.head.channel);
    if (channel == channelsByUtf8.constEnd()) {
        qCDebug(lcXDCore, "dropping a message on unregistered channel %s",
                frame.head.channel.constData());
        return;
    }
    if (filterDuplicates && !duplicates.isNew(frame.head.meta.id)) {
        qCDebug(lcXDCore, "dropping a message that already arrived over another transport");
        return;
    }
    if (frame.head.senderName != lastSenderNameUtf8) {
        lastSenderNameUtf8 = frame.head.senderName;
        lastSenderName = QString::fromUtf8(lastSenderNameUtf8);
    }
    const QString channelName = *channel;
    Q_EMIT q->messageReceived(XDMessagePrivate::fromFrame(std::move(frame), channelName, lastSenderName, via));
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
    fail(failure.error, QStringLiteral("%1 transport stopped receiving: %2")
                                .arg(xdTransportName(via), failure.message));
}

void XDListenerPrivate::messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why)
{
    const QPointer<XDListener> alive(q);
    fail(XDError::MessagesLost, QStringLiteral("missed %1 messages on channel \"%2\" (%3 transport): %4")
                                        .arg(count)
                                        .arg(channel, xdTransportName(via), why));
    if (alive)
        Q_EMIT q->messagesLost(channel, qint64(count));
}

ListenerManifest XDListenerPrivate::manifest() const
{
    ListenerManifest manifest;
    manifest.id = id;
    manifest.pid = QCoreApplication::applicationPid();
    manifest.name = QCoreApplication::applicationName();
    for (const auto &transport : transports)
        manifest.transports.append(transport->kind());
    manifest.channels = channels;
    return manifest;
}

bool XDListenerPrivate::fail(XDError code, const QString &message)
{
    error = code;
    errorString = message;
    qCDebug(lcXDCore, "listener error: %ls", qUtf16Printable(message));
    Q_EMIT q->errorOccurred(code, message);
    return false;
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
    filterDuplicates = transports.size() > 1 || transports.front()->kind() == XDTransport::Network;
    return true;
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
{
}

// Transports go first: they withdraw this listener before anything else is torn down.
XDListener::~XDListener()
{
    d->transports.clear();
}

bool XDListener::registerChannel(const QString &channel)
{
    const QString problem = xdChannelNameProblem(channel);
    if (!problem.isEmpty()) {
        return d->fail(XDError::InvalidChannelName,
                       QStringLiteral("cannot register channel \"%1\": %2").arg(printableChannelName(channel), problem));
    }
    if (!d->ensureStarted())
        return false;
    if (d->channels.contains(channel)) {
        d->error = XDError::NoError;
        d->errorString.clear();
        return true;
    }
    // Accept the channel locally before senders can see it.
    d->channels.append(channel);
    d->channelsByUtf8.insert(channel.toUtf8(), channel);
    if (!d->publish()) {
        d->channels.removeLast();
        d->channelsByUtf8.remove(channel.toUtf8());
        return false;
    }
    d->error = XDError::NoError;
    d->errorString.clear();
    return true;
}

bool XDListener::unregisterChannel(const QString &channel)
{
    if (!d->channels.contains(channel)) {
        return d->fail(XDError::InvalidChannelName,
                       QStringLiteral("channel \"%1\" is not registered").arg(printableChannelName(channel)));
    }
    // Filter first: from here on nothing of this channel is delivered, whatever senders
    // still believe.
    d->channels.removeAll(channel);
    d->channelsByUtf8.remove(channel.toUtf8());
    if (!d->publish())
        return false;
    d->error = XDError::NoError;
    d->errorString.clear();
    return true;
}

QStringList XDListener::channels() const
{
    return d->channels;
}

XDTransport XDListener::transport() const
{
    QString ignored;
    return effectiveTransport(d->requested, &ignored);
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
    d->maximumSize = qBound<qint64>(0, bytes, std::numeric_limits<quint32>::max());
}

XDNetworkState XDListener::networkState() const
{
    return d->networkState;
}

XDError XDListener::error() const
{
    return d->error;
}

QString XDListener::errorString() const
{
    return d->errorString;
}
