// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdrequest.h>

#include "codec/frame_p.h"

#include <QtCore/QSet>

class QTimer;

class XDRequestPrivate
{
public:
    // A request sent (or failed to send) as sendResult says, with message id; it finishes
    // after timeoutMs, or once the listeners reached have answered when they can be
    // counted (countable: not propagated to the network).
    static XDRequest *create(QObject *parent, const QString &channel, const XDMessagingPrivate::MessageId &id,
                             const XDSendResult &sendResult, bool countable, int timeoutMs);
    static XDRequestPrivate *of(XDRequest *request) { return request->d.get(); }

    // A reply arrived (on the reply channel: shown on the request's channel).
    void take(const XDMessage &reply);
    void finish();

    XDRequest *q = nullptr;
    QString channel;
    XDMessagingPrivate::MessageId id {};
    XDSendResult sendResult;
    bool countable = true;
    QSet<quint64> answeredBy; // publishers: one per replying listener and transport
    QList<XDMessage> replies;
    int timedOut = 0;
    bool finished = false;
    QTimer *timer = nullptr;
};
