// SPDX-License-Identifier: MIT
#pragma once

// The peer side of every benchmarked system, one file each. A receiver prints
// "ADDRESS <where senders reach it>" (when it has one) and "READY", then counts what
// arrives and prints its ReceiveTally line; a sender prints its SendTally line. A peer
// that cannot run prints "UNSUPPORTED <reason>".

#include "peerconfig.h"

#include <XDMessaging/xdglobal.h>

struct PeerSystem
{
    const char *name;
    int (*receive)(const PeerConfig &config);
    int (*send)(const PeerConfig &config);
};

int rawSeqpacketReceive(const PeerConfig &config);
int rawSeqpacketSend(const PeerConfig &config);
int qLocalSocketReceive(const PeerConfig &config);
int qLocalSocketSend(const PeerConfig &config);
int qtDbusReceive(const PeerConfig &config);
int qtDbusSend(const PeerConfig &config);
int rawXcbReceive(const PeerConfig &config);
int rawXcbSend(const PeerConfig &config);
int zeroMqReceive(const PeerConfig &config);
int zeroMqSend(const PeerConfig &config);
int qtRemoteObjectsReceive(const PeerConfig &config);
int qtRemoteObjectsSend(const PeerConfig &config);
int iceoryxReceive(const PeerConfig &config);
int iceoryxSend(const PeerConfig &config);
int xdMessagingReceive(const PeerConfig &config);
int xdMessagingSend(const PeerConfig &config);
// The transport an xdmessaging-* system name asks for, by name (xdmessaging-localsocket:
// localsocket) and as a value.
QString xdMessagingTransportName(const QString &system);
XDTransport xdMessagingTransportOf(const PeerConfig &config);
class XDBroadcaster;
class SendTally;
// Sends config.count messages of config.size bytes on config.channel as fast as the
// broadcaster takes them, timing each send.
void xdMessagingBurst(XDBroadcaster &broadcaster, const PeerConfig &config, SendTally &tally);
// The memory scenarios, xdmessaging-* systems only.
int xdMessagingMemoryListener(const PeerConfig &config);
int xdMessagingMemorySender(const PeerConfig &config);

// Runs the peer the configuration names; the process's exit code.
int runPeer(const PeerConfig &config);
// False for a peer system whose dependencies were missing when this benchmark was built.
bool isPeerSystemBuiltIn(const QString &name);
