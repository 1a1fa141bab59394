// SPDX-License-Identifier: MIT
#include "transports/redis/redisqtadapter_p.h"

#include <QtCore/QSocketNotifier>

#include <hiredis/async.h>

namespace XDMessagingPrivate {

namespace {

// How many notifiers of this thread are handing an event to hiredis right now. Inside
// one, hiredis may free the context, and with it its notifiers: those are deleted later.
// Outside (a listener destroyed, a thread ending) they are deleted at once, as a later
// deletion might never come when no event loop runs any more.
thread_local int notifierEventsInProgress = 0;

} // namespace

RedisQtAdapter::RedisQtAdapter(redisAsyncContext *context) : m_context(context)
{
    m_context->ev.data = this;
    m_context->ev.addRead = &RedisQtAdapter::addRead;
    m_context->ev.delRead = &RedisQtAdapter::deleteRead;
    m_context->ev.addWrite = &RedisQtAdapter::addWrite;
    m_context->ev.delWrite = &RedisQtAdapter::deleteWrite;
    m_context->ev.cleanup = &RedisQtAdapter::cleanup;
}

RedisQtAdapter::~RedisQtAdapter()
{
    if (m_context) {
        // hiredis may still call the hooks while it frees the context (a free deferred
        // to the end of a callback); they must not reach this object any more.
        m_context->ev = {};
    }
    unwatch(&m_read);
    unwatch(&m_write);
}

void RedisQtAdapter::unwatch(QPointer<QSocketNotifier> *notifier)
{
    if (!*notifier)
        return;
    (*notifier)->setEnabled(false);
    if (notifierEventsInProgress > 0)
        (*notifier)->deleteLater();
    else
        delete notifier->data();
    *notifier = nullptr;
}

void RedisQtAdapter::watch(QPointer<QSocketNotifier> *notifier, bool write)
{
    if (*notifier)
        return;
    *notifier = new QSocketNotifier(m_context->c.fd, write ? QSocketNotifier::Write : QSocketNotifier::Read);
    redisAsyncContext *context = m_context;
    QObject::connect(notifier->data(), &QSocketNotifier::activated, notifier->data(), [context, write] {
        ++notifierEventsInProgress;
        if (write)
            redisAsyncHandleWrite(context);
        else
            redisAsyncHandleRead(context);
        --notifierEventsInProgress;
    });
}

void RedisQtAdapter::addRead(void *adapter)
{
    auto *self = static_cast<RedisQtAdapter *>(adapter);
    self->watch(&self->m_read, false);
}

void RedisQtAdapter::deleteRead(void *adapter)
{
    unwatch(&static_cast<RedisQtAdapter *>(adapter)->m_read);
}

void RedisQtAdapter::addWrite(void *adapter)
{
    auto *self = static_cast<RedisQtAdapter *>(adapter);
    self->watch(&self->m_write, true);
}

void RedisQtAdapter::deleteWrite(void *adapter)
{
    unwatch(&static_cast<RedisQtAdapter *>(adapter)->m_write);
}

// hiredis is about to free the context: stop watching its socket and forget it.
void RedisQtAdapter::cleanup(void *adapter)
{
    auto *self = static_cast<RedisQtAdapter *>(adapter);
    unwatch(&self->m_read);
    unwatch(&self->m_write);
    self->m_context = nullptr;
}

} // namespace XDMessagingPrivate
