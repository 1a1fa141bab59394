// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

class QJsonDocument;
class XDMessage;

// What Messenger windows say to each other. Sent as JSON so that each receiver shows
// events ("Alice joined") in its own language; plain text from other programs (xdmsg)
// is shown as it is.
struct ChatMessage
{
    enum class Kind { Text, Joined, Left, Subscribed, Unsubscribed };
    Kind kind = Kind::Text;
    QString from;
    QString text; // Kind::Text
    QString channel; // Kind::Subscribed, Kind::Unsubscribed

    QJsonDocument toJson() const;
    // Never fails: anything that is not a valid Messenger message becomes plain text
    // from the sending program.
    static ChatMessage fromMessage(const XDMessage &message);
};
