// SPDX-License-Identifier: MIT
#pragma once

#include "codec/frame_p.h"

#include <XDMessaging/xdmessage.h>
#include <XDMessaging/xdsendresult.h>

#include <QtCore/QHash>
#include <QtCore/QObject>

#include <memory>

class XDBroadcaster;
class XDListener;
class XDRequest;

namespace XDMessagingPrivate {

// Where the replies to one broadcaster's requests arrive: a listener of the library's
// own, on Auto, registered on its reply channel (replyChannelOf() its id) and nothing
// else. Replies go to it over whichever transport their request came by, and are handed
// to the request they name. Lives in the broadcaster's thread.
class ReplyInbox final : public QObject
{
public:
    ReplyInbox();
    ~ReplyInbox() override;

    // Starts listening; false with *error when no transport could.
    bool start(QString *error);
    // What a request names as the place for its replies.
    MessageId address() const;
    // Replies naming requestId go to request from now on, until it finishes or is destroyed.
    void expect(const MessageId &requestId, XDRequest *request);

private:
    void replyArrived(const XDMessage &reply);

    std::unique_ptr<XDListener> m_listener;
    QHash<QByteArray, XDRequest *> m_requests; // by request id, while it takes replies
};

// Registers a reply channel on listener, which applications cannot (xdlistener.cpp).
bool registerReplyChannel(XDListener *listener, const QString &channel);
// Sends payload through broadcaster as the reply to request, to its asker's inbox alone
// (xdbroadcaster.cpp). Fails with NotARequest for a message that is no request.
XDSendResult sendReply(XDBroadcaster *broadcaster, const XDMessage &request, const QByteArray &payload,
                       XDMessage::PayloadType type);

} // namespace XDMessagingPrivate
