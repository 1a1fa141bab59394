// SPDX-License-Identifier: MIT
#pragma once

// What a native-window listener's inbox property holds: for every message an envelope,
// then the frame (frame_p.h). The envelope names the sender's acknowledgement window,
// to which the listener reports, in a ClientMessage, how many of that sender's frames it
// has taken. Any X client can append to an inbox, so parsing treats it as untrusted.
//
//  offset size  field
//   0     4     magic "XDMW"
//   4     4     the sender's acknowledgement window, little-endian

#include "codec/frame_p.h"

namespace XDMessagingPrivate {

constexpr qsizetype InboxEnvelopeSize = 8;

QByteArray encodeInboxEnvelope(quint32 senderWindow);
// NeedMoreData, Complete (InboxEnvelopeSize bytes used) or Malformed with *error.
DecodeStatus decodeInboxEnvelope(QByteArrayView data, quint32 *senderWindow, QString *error);

} // namespace XDMessagingPrivate
