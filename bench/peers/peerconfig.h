// SPDX-License-Identifier: MIT
#pragma once

// What the driver tells a peer process on its command line:
//
//   xdmessaging-bench --peer receive|send|memory-listener|memory-sender --system NAME
//       --channel C    the run's shared name (channel, D-Bus path, topic)
//       --endpoint E   this receiver's own name (socket file, ...)
//       --targets A,B  the addresses the receivers printed (senders)
//       --count N --senders K --size BYTES --sender-id I --ping-pong
//       --request      ping-pong by request and reply, where the system has them
//       --channels N   a receiver listens on N channels, the run's one among them
//       --work-dir D   where sockets go
//       --idle-ms MS   a receiver gives up after this long without a message

#include <QtCore/QStringList>

struct PeerConfig
{
    QString role;
    QString system;
    QString channel;
    QString endpoint;
    QStringList targets;
    qint64 count = 0;
    int senders = 1;
    int size = 64;
    int senderId = 0;
    bool pingPong = false;
    bool request = false;
    int channels = 1;
    QString workDir;
    int idleMs = 3000; // longer than a sender may be held by a stopped receiver (1 s)
    int warmup = 50;

    // Messages each sender sends: ping-pong adds its warm-up rounds.
    qint64 messagesPerSender() const { return count + (pingPong ? warmup : 0); }
};

// Returns false and sets *error on a malformed command line.
bool parsePeerConfig(const QStringList &arguments, PeerConfig *config, QString *error);
QStringList peerArguments(const PeerConfig &config);
