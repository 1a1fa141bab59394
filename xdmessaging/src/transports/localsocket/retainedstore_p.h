// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

#include <optional>

namespace XDMessagingPrivate {

// The retained values of this machine's listeners, without a daemon: one file per
// channel in <runtime directory>/retained/ (mode 0700, this user's), named by the SHA-256
// of the channel name and holding the message's whole frame. Written atomically (a
// temporary file renamed), so a reader sees the old value or the new one. The runtime
// directory is usually a tmpfs ($XDG_RUNTIME_DIR): nothing survives a reboot.
namespace RetainedStore {

// Makes frame (a message marked RetainedFlag) its channel's retained value; a frame with
// an empty payload clears it. False with *error when the directory cannot be written.
bool save(QByteArrayView channelUtf8, const EncodedFrame &frame, QString *error);
// The retained value of the channel, if any. A file that is not this user's, not a
// frame, or not of this channel is ignored with a warning.
std::optional<Frame> load(QByteArrayView channelUtf8, qint64 maximumPayload);

} // namespace RetainedStore

} // namespace XDMessagingPrivate
