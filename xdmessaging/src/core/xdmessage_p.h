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

    // Builds a message from a received frame; channel and senderName are passed decoded
    // because the listener caches their QString forms.
    static XDMessage fromFrame(XDMessagingPrivate::Frame &&frame, const QString &channel, const QString &senderName,
                               XDTransport transport);
};
