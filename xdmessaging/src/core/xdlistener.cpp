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
    XDListenerPrivate(XDListener *listener, XDTransport requested) : q(listener), requested(requested) {}

    void frameReceived(Frame &&frame, XDTransport via) override;
    qint64 maximumMessageSize() const override { return maximumSize; }
    void transportStateChanged(XDTransport via, const TransportFailure &failure) override;
    void messagesLost(XDTransport via, const QString &channel, quint64 count, const QString &why) override;

    bool ensureStarted();
    void stopTransports();
    bool publish();
    ListenerManifest manifest() const;
    // Register or unregister one channel; false (reported through fail()) when that
    // failed. Neither clears an earlier error: the caller decides when all went well.
    bool addChannel(const QString &channel);
    bool removeChannel(const QString &channel);
    bool fail(XDError code, const QString &message);
    void setError(XDError code, const QString &message);
    void clearError() { setError(XDError::NoError, QString()); }
    void setNetworkState(XDNetworkState state, const QString &error);

    XDListener *const q;
    XDTransport requested;
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
        qCDebug(lcXDCore, "dropping a message on unregistered channel %s", frame.head.channel.constData());
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
    fail(failure.error,
         QStringLiteral("%1 transport stopped receiving: %2").arg(xdTransportName(via), failure.message));
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

void XDListenerPrivate::setError(XDError code, const QString &message)
{
    if (code == error && message == errorString)
        return;
    error = code;
    errorString = message;
    Q_EMIT q->errorStringChanged();
}

bool XDListenerPrivate::fail(XDError code, const QString &message)
{
    qCDebug(lcXDCore, "listener error: %ls", qUtf16Printable(message));
    const QPointer<XDListener> alive(q);
    setError(code, message);
    if (alive)
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

void XDListenerPrivate::stopTransports()
{
    transports.clear();
    filterDuplicates = false;
    setNetworkState(XDNetworkState::Off, QString());
}

bool XDListenerPrivate::addChannel(const QString &channel)
{
    const QString problem = xdChannelNameProblem(channel);
    if (!problem.isEmpty()) {
        return fail(XDError::InvalidChannelName,
                    QStringLiteral("cannot register channel \"%1\": %2").arg(printableChannelName(channel), problem));
    }
    if (!ensureStarted())
        return false;
    if (channels.contains(channel))
        return true;
    // Accept the channel locally before senders can see it.
    channels.append(channel);
    channelsByUtf8.insert(channel.toUtf8(), channel);
    if (!publish()) {
        channels.removeLast();
        channelsByUtf8.remove(channel.toUtf8());
        return false;
    }
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
    const qsizetype before = d->channels.size();
    if (!d->addChannel(channel))
        return false;
    d->clearError();
    if (d->channels.size() != before)
        Q_EMIT channelsChanged();
    return true;
}

bool XDListener::unregisterChannel(const QString &channel)
{
    const qsizetype before = d->channels.size();
    const bool unregistered = d->removeChannel(channel);
    if (unregistered)
        d->clearError();
    if (d->channels.size() != before)
        Q_EMIT channelsChanged();
    return unregistered;
}

QStringList XDListener::channels() const
{
    return d->channels;
}

void XDListener::setChannels(const QStringList &channels)
{
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
    if (d->channels != before)
        Q_EMIT channelsChanged();
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
    d->requested = transport;
    if (!d->transports.empty()) {
        d->stopTransports();
        if (!d->channels.isEmpty() && d->ensureStarted() && d->publish())
            d->clearError();
    }
    Q_EMIT transportChanged();
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
