// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdlistenerinfo.h>

#include "core/transport_p.h"

namespace XDMessagingPrivate {

// What the public API shows of a listener a transport reported; a manifest that names
// no transport stands for the one it was found on. Reply channels are left out.
XDListenerInfo listenerInfo(const ListenerRecord &record, XDTransport foundOn);
// A broadcaster's reply inbox (ReplyInbox): on reply channels only. Listings leave it out.
bool isReplyInbox(const ListenerRecord &record);

} // namespace XDMessagingPrivate
