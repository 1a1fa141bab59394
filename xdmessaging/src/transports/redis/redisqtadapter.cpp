// SPDX-License-Identifier: MIT
#include "transports/redis/redisqtadapter_p.h"

#include <QtCore/QSocketNotifier>

#include <hiredis/async.h>

namespace XDMessagingPrivate {

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

// A notifier may be removed from inside its own activated() signal (hiredis frees the
// context while handling a read), so it is disabled now and deleted later.
void RedisQtAdapter::unwatch(QPointer<QSocketNotifier> *notifier)
{
    if (!*notifier)
        return;
    (*notifier)->setEnabled(false);
    (*notifier)->deleteLater();
    *notifier = nullptr;
}

void RedisQtAdapter::watch(QPointer<QSocketNotifier> *notifier, bool write)
{
    if (*notifier)
        return;
    *notifier = new QSocketNotifier(m_context->c.fd, write ? QSocketNotifier::Write : QSocketNotifier::Read);
    redisAsyncContext *context = m_context;
    QObject::connect(notifier->data(), &QSocketNotifier::activated, notifier->data(), [context, write] {
        if (write)
            redisAsyncHandleWrite(context);
        else
            redisAsyncHandleRead(context);
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
