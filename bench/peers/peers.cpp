// SPDX-License-Identifier: MIT
#include "peers.h"

#include "benchmessage.h"

#include <algorithm>
#include <iterator>

namespace {

int notBuiltIn(const PeerConfig &config)
{
    return reportUnsupported(QStringLiteral("%1 is not built into this benchmark").arg(config.system));
}

const PeerSystem Systems[] = {
        {"raw-seqpacket", rawSeqpacketReceive, rawSeqpacketSend},
        {"qlocalsocket", qLocalSocketReceive, qLocalSocketSend},
#ifdef XDMESSAGING_BENCH_HAVE_DBUS
        {"qtdbus", qtDbusReceive, qtDbusSend},
#endif
#ifdef XDMESSAGING_BENCH_HAVE_XCB
        {"raw-xcb-property", rawXcbReceive, rawXcbSend},
#endif
#ifdef XDMESSAGING_BENCH_HAVE_ZMQ
        {"zeromq-pubsub", zeroMqReceive, zeroMqSend},
#endif
#ifdef XDMESSAGING_BENCH_HAVE_QTRO
        {"qtremoteobjects", qtRemoteObjectsReceive, qtRemoteObjectsSend},
#endif
#ifdef XDMESSAGING_BENCH_HAVE_ICEORYX
        {"iceoryx-pubsub", iceoryxReceive, iceoryxSend},
#endif
        {"xdmessaging-localsocket", xdMessagingReceive, xdMessagingSend},
        {"xdmessaging-native", xdMessagingReceive, xdMessagingSend},
        {"xdmessaging-auto", xdMessagingReceive, xdMessagingSend},
        {"xdmessaging-network", xdMessagingReceive, xdMessagingSend},
};

} // namespace

bool isPeerSystemBuiltIn(const QString &name)
{
    return std::any_of(std::begin(Systems), std::end(Systems),
                       [&name](const PeerSystem &system) { return name == QLatin1String(system.name); });
}

int runPeer(const PeerConfig &config)
{
    const bool xdmessaging = config.system.startsWith(QLatin1String("xdmessaging-"));
    if (config.role == QLatin1String("memory-listener") && xdmessaging)
        return xdMessagingMemoryListener(config);
    if (config.role == QLatin1String("memory-sender") && xdmessaging)
        return xdMessagingMemorySender(config);
    for (const PeerSystem &system : Systems) {
        if (config.system != QLatin1String(system.name))
            continue;
        if (config.role == QLatin1String("receive"))
            return system.receive(config);
        if (config.role == QLatin1String("send"))
            return system.send(config);
    }
    return notBuiltIn(config);
}
