// SPDX-License-Identifier: MIT
#include "chatmessage.h"

#include <XDMessaging/xdmessage.h>

#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>

namespace {

struct KindName
{
    ChatMessage::Kind kind;
    const char16_t *name;
};

constexpr KindName KindNames[] = {
        {ChatMessage::Kind::Text, u"text"},
        {ChatMessage::Kind::Joined, u"joined"},
        {ChatMessage::Kind::Left, u"left"},
        {ChatMessage::Kind::Subscribed, u"subscribed"},
        {ChatMessage::Kind::Unsubscribed, u"unsubscribed"},
};

constexpr int MaximumNameLength = 64;

} // namespace

QJsonDocument ChatMessage::toJson() const
{
    QJsonObject object;
    for (const KindName &entry : KindNames) {
        if (entry.kind == kind)
            object.insert(QStringLiteral("kind"), QString::fromUtf16(entry.name));
    }
    object.insert(QStringLiteral("from"), from);
    if (kind == Kind::Text)
        object.insert(QStringLiteral("text"), text);
    if (kind == Kind::Subscribed || kind == Kind::Unsubscribed)
        object.insert(QStringLiteral("channel"), channel);
    return QJsonDocument(object);
}

ChatMessage ChatMessage::fromMessage(const XDMessage &message)
{
    ChatMessage plain;
    plain.from = QStringLiteral("%1 (%2)").arg(message.senderName()).arg(message.senderPid());
    plain.text = message.text();
    if (message.payloadType() != XDMessage::PayloadType::Json)
        return plain;
    const QJsonObject object = message.json().object();
    const QString kindName = object.value(QStringLiteral("kind")).toString();
    const QString from = object.value(QStringLiteral("from")).toString().left(MaximumNameLength);
    for (const KindName &entry : KindNames) {
        if (kindName != QStringView(entry.name) || from.isEmpty())
            continue;
        ChatMessage chat;
        chat.kind = entry.kind;
        chat.from = from;
        chat.text = object.value(QStringLiteral("text")).toString();
        chat.channel = object.value(QStringLiteral("channel")).toString();
        return chat;
    }
    return plain;
}
