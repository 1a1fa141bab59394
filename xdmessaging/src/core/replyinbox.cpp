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
    const QByteArray requestKey = key(requestId);
    m_requests.insert(requestKey, request);
    // A finished request takes no more replies: its entry goes, and so does a deleted one's.
    const auto forget = [this, requestKey] { m_requests.remove(requestKey); };
    connect(request, &XDRequest::finished, this, forget);
    connect(request, &QObject::destroyed, this, forget);
}

void ReplyInbox::replyArrived(const XDMessage &reply)
{
    const XDMessagePrivate *message = XDMessagePrivate::get(reply);
    if (!(message->flags & ReplyFlag)) {
        qCDebug(lcXDCore, "dropping a message on a reply channel that is no reply");
        return;
    }
    XDRequest *request = m_requests.value(key(message->reference));
    if (!request)
        return; // a late reply to a request that is done
    XDRequestPrivate::of(request)->take(reply);
}

} // namespace XDMessagingPrivate
