// SPDX-License-Identifier: MIT
// The one place that knows which transports exist. Adding a transport means adding
// it here, in its own file pair, and in the tests.
#include "core/transport_p.h"

#include "transports/localsocket/localsocketlistener_p.h"
#include "transports/localsocket/localsocketpresence_p.h"
#include "transports/localsocket/localsocketsender_p.h"
#include "transports/localsocket/retainedstore_p.h"
#ifdef XDMESSAGING_HAVE_REDIS
#include "transports/redis/redislistener_p.h"
#include "transports/redis/redispresence_p.h"
#include "transports/redis/redissender_p.h"
#endif
#ifdef XDMESSAGING_HAVE_X11
#include "transports/x11/x11listener_p.h"
#include "transports/x11/x11presence_p.h"
#include "transports/x11/x11sender_p.h"
#endif

namespace XDMessagingPrivate {

namespace {

QString notBuiltIn(XDTransport transport)
{
    return QStringLiteral("the %1 transport is not available in this build of XDMessaging")
            .arg(xdTransportName(transport));
}

constexpr bool nativeWindowBuiltIn()
{
#ifdef XDMESSAGING_HAVE_X11
    return true;
#else
    return false;
#endif
}

// Auto listens on the network only when a Redis server is configured, so that Auto
// neither fails nor waits where there is none.
bool networkInAuto()
{
    return XDNetworkSettings::isBuiltIn() && XDNetworkSettings::isConfigured();
}

} // namespace

XDTransport effectiveTransport(XDTransport requested, QString *error)
{
    if (requested != XDTransport::Auto)
        return requested;
    const QString fromEnvironment = qEnvironmentVariable("XDMESSAGING_TRANSPORT").trimmed();
    if (fromEnvironment.isEmpty())
        return XDTransport::Auto;
    XDTransport transport;
    if (!xdParseTransportName(fromEnvironment.toLower(), &transport)) {
        *error = QStringLiteral("XDMESSAGING_TRANSPORT=\"%1\" is not one of auto, native, "
                                "localsocket, network")
                         .arg(fromEnvironment);
        return XDTransport::Auto;
    }
    return transport;
}

QList<XDTransport> resolveTransports(XDTransport requested, TransportFailure *failure)
{
    QString environmentError;
    const XDTransport transport = effectiveTransport(requested, &environmentError);
    if (!environmentError.isEmpty()) {
        *failure = {XDError::TransportUnavailable, environmentError};
        return {};
    }
    switch (transport) {
    case XDTransport::Auto: {
        // In order of preference: a listener reachable both ways gets the local socket,
        // the faster of the two.
        QList<XDTransport> transports {XDTransport::LocalSocket};
        if (nativeWindowBuiltIn() && !qEnvironmentVariableIsEmpty("DISPLAY"))
            transports.append(XDTransport::NativeWindow);
        if (networkInAuto())
            transports.append(XDTransport::Network);
        return transports;
    }
    case XDTransport::LocalSocket:
        return {XDTransport::LocalSocket};
    case XDTransport::NativeWindow:
        if (nativeWindowBuiltIn())
            return {XDTransport::NativeWindow};
        break;
    case XDTransport::Network:
        if (XDNetworkSettings::isBuiltIn())
            return {XDTransport::Network};
        break;
    }
    *failure = {XDError::TransportUnavailable, notBuiltIn(transport)};
    return {};
}

std::shared_ptr<SenderTransport> senderTransport(XDTransport kind, TransportFailure *failure)
{
    if (kind == XDTransport::LocalSocket)
        return LocalSocketSender::instance(failure);
#ifdef XDMESSAGING_HAVE_X11
    if (kind == XDTransport::NativeWindow)
        return X11Sender::instance(failure);
#endif
#ifdef XDMESSAGING_HAVE_REDIS
    if (kind == XDTransport::Network)
        return RedisSender::instance(failure);
#endif
    *failure = {XDError::TransportUnavailable, notBuiltIn(kind)};
    return {};
}

std::unique_ptr<ListenerTransport> createListenerTransport(XDTransport kind, const ListenerManifest &identity,
                                                           FrameSink *sink, TransportFailure *failure)
{
    if (kind == XDTransport::LocalSocket)
        return std::make_unique<LocalSocketListener>(identity, sink);
#ifdef XDMESSAGING_HAVE_X11
    if (kind == XDTransport::NativeWindow)
        return std::make_unique<X11Listener>(identity, sink);
#endif
#ifdef XDMESSAGING_HAVE_REDIS
    if (kind == XDTransport::Network)
        return std::make_unique<RedisListener>(identity, sink);
#endif
    *failure = {XDError::TransportUnavailable, notBuiltIn(kind)};
    return {};
}

bool storeLocalRetainedValue(QByteArrayView channelUtf8, const EncodedFrame &frame, QString *error)
{
    return RetainedStore::save(channelUtf8, frame, error);
}

std::optional<Frame> loadLocalRetainedValue(QByteArrayView channelUtf8, qint64 maximumPayload)
{
    return RetainedStore::load(channelUtf8, maximumPayload);
}

std::unique_ptr<PresenceSource> createPresenceSource(XDTransport kind, PresenceSink *sink, TransportFailure *failure)
{
    if (kind == XDTransport::LocalSocket)
        return std::make_unique<LocalSocketPresence>(sink);
#ifdef XDMESSAGING_HAVE_X11
    if (kind == XDTransport::NativeWindow)
        return std::make_unique<X11Presence>(sink);
#endif
#ifdef XDMESSAGING_HAVE_REDIS
    if (kind == XDTransport::Network)
        return std::make_unique<RedisPresence>(sink);
#endif
    *failure = {XDError::TransportUnavailable, notBuiltIn(kind)};
    return {};
}

} // namespace XDMessagingPrivate
