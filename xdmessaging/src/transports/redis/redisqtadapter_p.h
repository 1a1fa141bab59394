// SPDX-License-Identifier: MIT
#pragma once

// Drives an asynchronous hiredis context from the Qt event loop of the current thread.
// hiredis ships <hiredis/adapters/qt.h>, but it needs moc run on a system header and
// string-based connections, and it breaks under QT_NO_KEYWORDS; this is the same idea
// in a few lines, with member-pointer connections.

#include <QtCore/QPointer>

struct redisAsyncContext;
class QSocketNotifier;

namespace XDMessagingPrivate {

class RedisQtAdapter
{
public:
    // Hooks itself into context; notifiers live in the current thread.
    explicit RedisQtAdapter(redisAsyncContext *context);
    // Unhooks from the context (if hiredis has not freed it yet) and stops watching.
    ~RedisQtAdapter();
    RedisQtAdapter(const RedisQtAdapter &) = delete;
    RedisQtAdapter &operator=(const RedisQtAdapter &) = delete;

private:
    static void addRead(void *adapter);
    static void deleteRead(void *adapter);
    static void addWrite(void *adapter);
    static void deleteWrite(void *adapter);
    static void cleanup(void *adapter);
    void watch(QPointer<QSocketNotifier> *notifier, bool write);
    static void unwatch(QPointer<QSocketNotifier> *notifier);

    redisAsyncContext *m_context;
    QPointer<QSocketNotifier> m_read;
    QPointer<QSocketNotifier> m_write;
};

} // namespace XDMessagingPrivate
