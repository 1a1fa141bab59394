// SPDX-License-Identifier: MIT
#pragma once

// The latency scenarios' loop, the same for every system: warm-up rounds, then timed
// round trips; one way is half of one. A system supplies the round trip itself.

#include "benchmessage.h"
#include "peerconfig.h"

#include <functional>

// Sends message and waits for its echo; false with *error when none came.
using RoundTrip = std::function<bool(const QByteArray &message, QString *error)>;

// Runs config.warmup + config.count round trips, stamping each message's header (with
// replyTo, for systems that need to know where to echo), and reports through tally.
int runPingPong(const PeerConfig &config, SendTally &tally, const RoundTrip &roundTrip, quint32 replyTo = 0);
