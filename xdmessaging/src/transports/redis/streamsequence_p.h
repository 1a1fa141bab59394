// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>

namespace XDMessagingPrivate {

// An entry's "sequence" field, "<publisher>:<n>": the frame's publisher as 16 lower-case
// hex digits and its sequence number, for tools that read the streams without decoding
// frames. Listeners go by the frame, and drop an entry whose field says otherwise.
QByteArray formatStreamSequence(quint64 publisher, quint64 number);
// False for anything else: the value comes from Redis, which anyone may write to.
bool parseStreamSequence(const QByteArray &value, quint64 *publisher, quint64 *number);

} // namespace XDMessagingPrivate
