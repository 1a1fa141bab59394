// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

namespace XDMessagingPrivate {

// channel as it may appear in an error message: control characters written as \n, \t
// or \u{XX}, so that a bad name cannot break the message over several lines.
QString printableChannelName(const QString &channel);

} // namespace XDMessagingPrivate
