// SPDX-License-Identifier: MIT
#include "core/xdrequest_p.h"

#include "core/messageid_p.h"
#include "core/xdmessage_p.h"

#include <QtCore/QPointer>
#include <QtCore/QTimer>

using namespace XDMessagingPrivate;

XDRequest *XDRequestPrivate::create(QObject *parent, const QString &channel, const MessageId &id,
                                    const XDSendResult &sendResult, bool countable, int timeoutMs)
{
    auto *request = new XDRequest(parent);
    XDRequestPrivate *d = request->d.get();
    d->channel = channel;
    d->id = id;
    d->sendResult = sendResult;
    d->countable = countable;
    d->timer = new QTimer(request);
    d->timer->setSingleShot(true);
    QObject::connect(d->timer, &QTimer::timeout, request, [d] { d->finish(); });
    if (countable && sendResult.listenersReached() == 0) {
        // Nobody to wait for: finished, from the event loop, once the caller connected.
        QMetaObject::invokeMethod(
                request, [d] { d->finish(); }, Qt::QueuedConnection);
    } else {
        d->timer->start(qMax(0, timeoutMs));
    }
    return request;
}

void XDRequestPrivate::take(const XDMessage &reply)
{
    if (finished)
        return;
    const XDMessage shown = XDMessagePrivate::asReplyOn(reply, channel);
    replies.append(shown);
    answeredBy.insert(XDMessagePrivate::get(reply)->publisher);
    const QPointer<XDRequest> alive(q);
    Q_EMIT q->replyReceived(shown);
    if (alive && countable && q->answered() >= sendResult.listenersReached())
        finish();
}

void XDRequestPrivate::finish()
{
    if (finished)
        return;
    finished = true;
    timer->stop();
    timedOut = qMax(0, sendResult.listenersReached() - q->answered());
    Q_EMIT q->finished();
}

XDRequest::XDRequest(QObject *parent) : QObject(parent), d(std::make_unique<XDRequestPrivate>())
{
    d->q = this;
}

XDRequest::~XDRequest() = default;

QString XDRequest::channel() const
{
    return d->channel;
}

QUuid XDRequest::id() const
{
    return messageIdToUuid(d->id);
}

XDSendResult XDRequest::sendResult() const
{
    return d->sendResult;
}

int XDRequest::asked() const
{
    return d->sendResult.listenersReached();
}

int XDRequest::answered() const
{
    return int(d->answeredBy.size());
}

int XDRequest::timedOut() const
{
    return d->timedOut;
}

QList<XDMessage> XDRequest::replies() const
{
    return d->replies;
}

bool XDRequest::isFinished() const
{
    return d->finished;
}
