// SPDX-License-Identifier: MIT
#include "core/replyinbox_p.h"

#include "core/logging_p.h"
#include "core/messageid_p.h"
#include "core/xdmessage_p.h"
#include "core/xdrequest_p.h"

#include <XDMessaging/xdlistener.h>

namespace XDMessagingPrivate {

namespace {

QByteArray key(const MessageId &id)
{
    return QByteArray(id.data(), qsizetype(id.size()));
}

} // namespace

ReplyInbox::ReplyInbox() = default;

ReplyInbox::~ReplyInbox() = default;

bool ReplyInbox::start(QString *error)
{
    m_listener = std::make_unique<XDListener>(XDTransport::Auto);
    const QString channel = QString::fromLatin1(replyChannelOf(address()));
    if (!registerReplyChannel(m_listener.get(), channel)) {
        *error = m_listener->errorString();
        m_listener.reset();
        return false;
    }
    connect(m_listener.get(), &XDListener::messageReceived, this, &ReplyInbox::replyArrived);
    return true;
}

MessageId ReplyInbox::address() const
{
    return uuidToMessageId(m_listener ? m_listener->id() : QUuid());
}

void ReplyInbox::expect(const MessageId &requestId, XDRequest *request)
{
    // Requests that are gone or done leave their entry behind; sweep them now and then.
    if (m_requests.size() >= 1024 && m_requests.size() % 1024 == 0) {
        m_requests.removeIf([](const auto &entry) { return !entry.value() || entry.value()->isFinished(); });
    }
    m_requests.insert(key(requestId), request);
}

void ReplyInbox::replyArrived(const XDMessage &reply)
{
    const XDMessagePrivate *message = XDMessagePrivate::get(reply);
    if (!(message->flags & ReplyFlag)) {
        qCDebug(lcXDCore, "dropping a message on a reply channel that is no reply");
        return;
    }
    const auto found = m_requests.constFind(key(message->reference));
    if (found == m_requests.constEnd() || !*found)
        return; // a late reply to a request that is done and deleted
    XDRequest *request = *found;
    XDRequestPrivate::of(request)->take(reply);
}

} // namespace XDMessagingPrivate
