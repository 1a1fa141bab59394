// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

namespace XDMessagingPrivate {

// A new message id: a random prefix drawn once per process and a counter. Unique
// across processes and machines without a system call per message.
MessageId nextMessageId();

// A new publisher id (see the frame's publisher field): never 0, never the same twice
// in a process, and random across processes, from the same prefix as the message ids.
quint64 nextPublisherId();

} // namespace XDMessagingPrivate
