// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdmessage.h>

#include "codec/frame_p.h"

#include <QtCore/QSharedData>

class XDMessagePrivate : public QSharedData
{
public:
    QString channel;
    QByteArray payload;
    XDMessage::PayloadType payloadType = XDMessage::PayloadType::Binary;
    qint64 senderPid = 0;
    QString senderName;
    qint64 timestampMs = 0;
    XDMessagingPrivate::MessageId id {};
    XDTransport transport = XDTransport::LocalSocket;
    quint16 flags = 0; // XDMessagingPrivate::FrameFlag
    XDMessagingPrivate::MessageId reference {}; // of a request or reply, see frame_p.h
    quint64 publisher = 0; // who sent it, for telling repliers apart
    bool retained = false; // read from a retained-value store, not sent live

    static const XDMessagePrivate *get(const XDMessage &message) { return message.d.constData(); }
    // The message as its request's replies show it: on the request's channel.
    static void markRetained(XDMessage &message) { message.d->retained = true; }
    static XDMessage asReplyOn(const XDMessage &reply, const QString &requestChannel);

    // Builds a message from a received frame; channel and senderName are passed decoded
    // because the listener caches their QString forms.
    static XDMessage fromFrame(XDMessagingPrivate::Frame &&frame, const QString &channel, const QString &senderName,
                               XDTransport transport);
};
