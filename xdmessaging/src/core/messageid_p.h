// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

#include <QtCore/QUuid>

namespace XDMessagingPrivate {

// A new message id: a random prefix drawn once per process and a counter. Unique
// across processes and machines without a system call per message.
MessageId nextMessageId();

// A new publisher id (see the frame's publisher field): never 0, never the same twice
// in a process, and random across processes, from the same prefix as the message ids.
quint64 nextPublisherId();

// A message id (or any 16-byte id, a listener's) as a QUuid and back.
QUuid messageIdToUuid(const MessageId &id);
MessageId uuidToMessageId(const QUuid &uuid);

} // namespace XDMessagingPrivate
