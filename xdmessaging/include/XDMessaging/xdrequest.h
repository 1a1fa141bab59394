// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdmessage.h>
#include <XDMessaging/xdsendresult.h>

#include <QtCore/QList>
#include <QtCore/QObject>
#include <QtCore/QUuid>

#include <memory>

class XDRequestPrivate;

/*!
    A request in flight: the replies to one XDBroadcaster::request().

    \code
    XDRequest *request = broadcaster.request(QStringLiteral("who-is-there"), QStringLiteral("?"), 2000);
    connect(request, &XDRequest::replyReceived, this, [](const XDMessage &reply) {
        qInfo() << reply.senderName() << "says" << reply.text();
    });
    connect(request, &XDRequest::finished, this, [request] {
        qInfo() << request->answered() << "of" << request->asked() << "answered";
        request->deleteLater();
    });
    \endcode

    Every listener the request reached is asked. Each may answer with
    XDListener::reply(); the replies come back to this process alone, over the
    transport the request went by, each exactly once, as replyReceived(). The request
    finishes when every listener asked has answered, or when its timeout passes, and
    then says how many answered and how many did not (timedOut()). A request that
    reached nobody finishes at once, from the event loop.

    Requests propagated to the network (XDBroadcaster::propagateToNetwork()) reach
    listeners nobody can count: their replies are taken until the timeout, which is
    then when the request finishes.

    The request belongs to its broadcaster (its parent) and lives in the broadcaster's
    thread; delete it when done (its replies stop coming).
*/
class XDMESSAGING_EXPORT XDRequest : public QObject
{
    Q_OBJECT
    /*! The channel the request was sent on. */
    Q_PROPERTY(QString channel READ channel CONSTANT)
    /*! How many listeners the request reached and were asked. */
    Q_PROPERTY(int asked READ asked CONSTANT)
    /*! How many of them answered so far. */
    Q_PROPERTY(int answered READ answered NOTIFY replyReceived)
    /*! How many asked did not answer in time; 0 until finished. */
    Q_PROPERTY(int timedOut READ timedOut NOTIFY finished)
    /*! True once every listener answered or the timeout passed. */
    Q_PROPERTY(bool finished READ isFinished NOTIFY finished)
public:
    ~XDRequest() override;

    /*! The channel the request was sent on. */
    QString channel() const;
    /*! The request's message id: XDMessage::id() of the request its listeners got. */
    QUuid id() const;
    /*! What became of sending the request (listeners reached, failures). */
    XDSendResult sendResult() const;
    /*! How many listeners the request reached (on the network: not counted). */
    int asked() const;
    /*! How many listeners answered so far; a listener answering twice counts once. */
    int answered() const;
    /*! How many listeners asked had not answered when the timeout passed. */
    int timedOut() const;
    /*! The replies received so far, in the order they came. */
    QList<XDMessage> replies() const;
    /*! True once every listener answered or the timeout passed. */
    bool isFinished() const;

Q_SIGNALS:
    /*! A listener answered with \a reply (XDMessage::channel() is the request's channel). */
    void replyReceived(const XDMessage &reply);
    /*! Every listener asked answered, or the timeout passed; nothing comes after this. */
    void finished();

private:
    explicit XDRequest(QObject *parent);
    friend class XDRequestPrivate;
    std::unique_ptr<XDRequestPrivate> d;
};
