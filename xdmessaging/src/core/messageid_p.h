// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

namespace XDMessagingPrivate {

// A new message id: a random prefix drawn once per process and a counter. Unique
// across processes and machines without a system call per message.
MessageId nextMessageId();

} // namespace XDMessagingPrivate
