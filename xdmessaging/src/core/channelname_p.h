// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

namespace XDMessagingPrivate {

// Applications may not use the channels reserved for replies (codec/frame_p.h); the
// library's reply inboxes and replies do.
enum class ChannelUse { Application, Replies };
// Why channel cannot be used so, or an empty string; xdChannelNameProblem() is the
// Application case.
QString channelNameProblem(const QString &channel, ChannelUse use);

// channel as it may appear in an error message: control characters written as \n, \t
// or \u{XX}, so that a bad name cannot break the message over several lines.
QString printableChannelName(const QString &channel);

} // namespace XDMessagingPrivate
