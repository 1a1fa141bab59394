// SPDX-License-Identifier: MIT
#pragma once

#include "core/networksettings_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QList>
#include <QtCore/QObject>

#include <functional>
#include <memory>

struct redisAsyncContext;
struct redisReply;
class QTimer;

namespace XDMessagingPrivate {

class HostLookup;
class RedisQtAdapter;

// One asynchronous connection to Redis, driven by the event loop of the thread it
// lives in; nothing here blocks. It authenticates, selects the database and learns the
// server's run id before saying ready(); when the connection drops, stops answering
// (a stopped server, a half-open link: within about ten seconds) or the handshake fails
// it says lost() and reconnects by itself with a growing, capped backoff.
class RedisConnection final : public QObject
{
    Q_OBJECT
public:
    // reply is null when the command could not complete (connection lost or closed);
    // it is only valid during the call.
    using ReplyHandler = std::function<void(const redisReply *reply)>;

    explicit RedisConnection(const RedisEndpoint &endpoint, QObject *parent = nullptr);
    // A connection, not open yet, to the server XDNetworkSettings configures;
    // null with *problem when none is configured.
    static std::unique_ptr<RedisConnection> toConfiguredServer(QString *problem);
    ~RedisConnection() override;

    // Starts connecting; from then on the connection keeps itself up.
    void open();
    bool isReady() const { return m_ready; }
    QString lastError() const { return m_lastError; }
    const RedisEndpoint &endpoint() const { return m_endpoint; }

    // Sends a command; false (and handler is not called) when not connected.
    bool command(const QList<QByteArray> &arguments, ReplyHandler handler);
    // Writes what commands wait in the output buffer now, without waiting for the event
    // loop: for a last word before the connection is destroyed.
    void writePendingCommands();

Q_SIGNALS:
    // Connected, authenticated, database selected. runId identifies the server process:
    // a different one means a restarted (or another) server, whose streams may be gone.
    void ready(const QByteArray &runId);
    // The connection failed or dropped; error says why. A reconnect is scheduled.
    void lost(const QString &error);

private:
    struct PendingReply;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privateData);

    void connectNow();
    void connectTo(const QByteArray &address);
    void startHandshake();
    // Drops the connection (if any) and reports error once; schedules the reconnect.
    void fail(const QString &error);
    void failNow(const QString &error);
    void checkLiveness();
    static void enableKeepAlive(int fd);
    void contextGone(QString error); // a copy: callers pass members it clears
    void scheduleReconnect();
    QString describeError(const QString &what) const;

    const RedisEndpoint m_endpoint;
    redisAsyncContext *m_context = nullptr;
    std::unique_ptr<RedisQtAdapter> m_adapter;
    std::shared_ptr<HostLookup> m_lookup; // a host name being resolved
    QTimer *m_reconnectTimer;
    QTimer *m_connectTimeout;
    QTimer *m_livenessTimer;
    int m_outstanding = 0; // commands sent and not answered
    QElapsedTimer m_sinceLastReply;
    int m_backoffMs;
    bool m_ready = false;
    bool m_closing = false;
    QString m_handshakeError;
    QString m_lastError;
};

} // namespace XDMessagingPrivate
