// SPDX-License-Identifier: MIT
#include "transports/redis/redisconnection_p.h"

#include "core/logging_p.h"
#include "transports/redis/hostlookup_p.h"
#include "transports/redis/redisqtadapter_p.h"
#include "transports/redis/redisreply_p.h"

#include <QtCore/QRandomGenerator>
#include <QtCore/QTimer>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <vector>

namespace XDMessagingPrivate {

namespace {

// Reconnects start fast and back off to at most MaximumBackoff, so that a server back
// after an outage is found within about that long.
constexpr int InitialBackoffMs = 100;
constexpr int MaximumBackoffMs = 2000;
// A connect that neither succeeds nor fails (a host that drops packets) is given up
// after this long.
constexpr int ConnectTimeoutMs = 3000;
// A connection that stops answering (a server that is stopped or stuck, a link that went
// half-open without a reset) is given up when a command waits this long without any
// reply; the longest command asked for (the listener's blocking read) takes one second.
// An idle connection is pinged, so that it is checked as often.
constexpr int LivenessTimeoutMs = 8000;
constexpr int IdlePingMs = 3000;
constexpr int LivenessCheckMs = 1000;
// TCP keepalive, for a peer host that vanished: probes after 5 s idle, every 2 s, 3 times.
constexpr int KeepAliveIdleSeconds = 5;

// Connected to as it is; a name is looked up first (HostLookup).
bool isNumericAddress(const QByteArray &host)
{
    in6_addr ignored;
    return inet_pton(AF_INET, host.constData(), &ignored) == 1 || inet_pton(AF_INET6, host.constData(), &ignored) == 1;
}

} // namespace

struct RedisConnection::PendingReply
{
    RedisConnection *connection;
    ReplyHandler handler;
};

RedisConnection::RedisConnection(const RedisEndpoint &endpoint, QObject *parent)
    : QObject(parent), m_endpoint(endpoint), m_reconnectTimer(new QTimer(this)), m_connectTimeout(new QTimer(this)),
      m_livenessTimer(new QTimer(this)), m_backoffMs(InitialBackoffMs)
{
    m_livenessTimer->setInterval(LivenessCheckMs);
    connect(m_livenessTimer, &QTimer::timeout, this, &RedisConnection::checkLiveness);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &RedisConnection::connectNow);
    m_connectTimeout->setSingleShot(true);
    m_connectTimeout->setInterval(ConnectTimeoutMs);
    connect(m_connectTimeout, &QTimer::timeout, this,
            [this] { fail(describeError(QStringLiteral("no answer within %1 ms").arg(ConnectTimeoutMs))); });
}

RedisConnection::~RedisConnection()
{
    m_closing = true; // replies handed back by the free below reach no handler
    if (m_lookup)
        m_lookup->cancel();
    if (m_context) {
        m_context->data = nullptr;
        redisAsyncContext *context = m_context;
        m_context = nullptr;
        redisAsyncFree(context);
    }
}

std::unique_ptr<RedisConnection> RedisConnection::toConfiguredServer(QString *problem)
{
    RedisEndpoint endpoint;
    if (!configuredRedisEndpoint(&endpoint, problem))
        return {};
    return std::make_unique<RedisConnection>(endpoint);
}

void RedisConnection::open()
{
    connectNow();
}

QString RedisConnection::describeError(const QString &what) const
{
    return QStringLiteral("Redis at %1:%2: %3").arg(QString::fromUtf8(m_endpoint.host)).arg(m_endpoint.port).arg(what);
}

// hiredis resolves host names with a blocking getaddrinfo(); names are resolved here
// first, asynchronously, so that no thread (the GUI thread least of all) waits for DNS.
void RedisConnection::connectNow()
{
    if (isNumericAddress(m_endpoint.host)) {
        connectTo(m_endpoint.host);
        return;
    }
    if (m_lookup)
        m_lookup->cancel();
    m_lookup = HostLookup::start(m_endpoint.host, this, [this](const QByteArray &address, const QString &error) {
        m_lookup.reset();
        if (address.isEmpty())
            fail(describeError(error));
        else
            connectTo(address);
    });
}

void RedisConnection::connectTo(const QByteArray &address)
{
    m_context = redisAsyncConnect(address.constData(), m_endpoint.port);
    if (!m_context) {
        fail(describeError(QStringLiteral("out of memory")));
        return;
    }
    if (m_context->err) {
        const QString error = describeError(QString::fromLocal8Bit(m_context->errstr));
        redisAsyncFree(m_context);
        m_context = nullptr;
        fail(error);
        return;
    }
    m_context->data = this;
    m_outstanding = 0;
    m_sinceLastReply.start();
    enableKeepAlive(m_context->c.fd);
    m_adapter = std::make_unique<RedisQtAdapter>(m_context);
    redisAsyncSetConnectCallback(m_context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisConnection::onDisconnect);
    m_connectTimeout->start();
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return;
    self->m_connectTimeout->stop();
    if (status != REDIS_OK) {
        // hiredis frees the context after this callback.
        self->contextGone(self->describeError(QString::fromLocal8Bit(context->errstr)));
        return;
    }
    self->m_livenessTimer->start();
    self->startHandshake();
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self)
        return;
    const QString error = status == REDIS_OK || !context->errstr
                                  ? self->describeError(QStringLiteral("connection closed"))
                                  : self->describeError(QString::fromLocal8Bit(context->errstr));
    self->contextGone(self->m_handshakeError.isEmpty() ? error : self->m_handshakeError);
}

// AUTH and SELECT go first on the connection; INFO answers last, so when it does every
// step before it has answered too.
void RedisConnection::startHandshake()
{
    qCDebug(lcXDNetwork, "connected to %s:%d", m_endpoint.host.constData(), m_endpoint.port);
    m_handshakeError.clear();
    auto checkStep = [this](const redisReply *reply) {
        const QString error = replyError(reply);
        if (!error.isEmpty() && m_handshakeError.isEmpty())
            m_handshakeError = describeError(error);
    };
    if (!m_endpoint.password.isEmpty()) {
        QList<QByteArray> auth {QByteArrayLiteral("AUTH")};
        if (!m_endpoint.user.isEmpty())
            auth.append(m_endpoint.user);
        auth.append(m_endpoint.password);
        command(auth, checkStep);
    }
    if (m_endpoint.database != 0)
        command({QByteArrayLiteral("SELECT"), QByteArray::number(m_endpoint.database)}, checkStep);
    command({QByteArrayLiteral("INFO"), QByteArrayLiteral("server")}, [this, checkStep](const redisReply *reply) {
        if (!reply)
            return; // the disconnect reports it
        checkStep(reply);
        if (!m_handshakeError.isEmpty()) {
            fail(m_handshakeError);
            return;
        }
        m_ready = true;
        m_backoffMs = InitialBackoffMs;
        m_lastError.clear();
        Q_EMIT ready(runIdFromInfo(replyBytes(reply)));
    });
}

bool RedisConnection::command(const QList<QByteArray> &arguments, ReplyHandler handler)
{
    if (!m_context)
        return false;
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    for (const QByteArray &argument : arguments) {
        argv.push_back(argument.constData());
        lengths.push_back(size_t(argument.size()));
    }
    auto *pending = new PendingReply {this, std::move(handler)};
    if (redisAsyncCommandArgv(m_context, &RedisConnection::onReply, pending, int(argv.size()), argv.data(),
                              lengths.data())
        != REDIS_OK) {
        delete pending;
        return false;
    }
    if (m_outstanding++ == 0)
        m_sinceLastReply.start(); // the wait for an answer starts now
    return true;
}

void RedisConnection::writePendingCommands()
{
    if (m_context)
        redisAsyncHandleWrite(m_context); // non-blocking: a few dozen bytes fit
}

void RedisConnection::onReply(redisAsyncContext *, void *reply, void *privateData)
{
    std::unique_ptr<PendingReply> pending(static_cast<PendingReply *>(privateData));
    RedisConnection *connection = pending->connection;
    connection->m_outstanding = qMax(0, connection->m_outstanding - 1);
    connection->m_sinceLastReply.start();
    if (connection->m_closing)
        return;
    pending->handler(static_cast<const redisReply *>(reply));
}

// TCP keepalive notices a peer host that is gone; it cannot notice a server process
// that is stopped (its kernel still answers), which checkLiveness() does.
void RedisConnection::enableKeepAlive(int fd)
{
    const int on = 1;
    const int idle = KeepAliveIdleSeconds;
    const int interval = 2;
    const int probes = 3;
    ::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof on);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
    ::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
}

// Runs while connected: started once the connection is up, stopped by contextGone().
void RedisConnection::checkLiveness()
{
    if (m_outstanding > 0 && m_sinceLastReply.elapsed() > LivenessTimeoutMs) {
        failNow(describeError(QStringLiteral("no answer for %1 s: the server or the connection is stuck")
                                      .arg(m_sinceLastReply.elapsed() / 1000)));
        return;
    }
    if (m_outstanding == 0 && m_ready && m_sinceLastReply.elapsed() > IdlePingMs)
        command({QByteArrayLiteral("PING")}, [](const redisReply *) {});
}

void RedisConnection::fail(const QString &error)
{
    m_connectTimeout->stop();
    if (!m_context) {
        contextGone(error);
        return;
    }
    // A disconnect hands pending replies back as null and then calls onDisconnect,
    // which reports the failure; the context is freed by hiredis.
    m_handshakeError = error;
    if (m_context->c.flags & REDIS_CONNECTED)
        redisAsyncDisconnect(m_context);
    else
        failNow(error);
}

// Closes at once, without waiting for replies that may never come: pending handlers get
// a null reply.
void RedisConnection::failNow(const QString &error)
{
    redisAsyncContext *context = m_context;
    context->data = nullptr;
    m_context = nullptr;
    redisAsyncFree(context);
    contextGone(error);
}

void RedisConnection::contextGone(QString error)
{
    m_connectTimeout->stop();
    m_livenessTimer->stop();
    if (m_context)
        m_context->data = nullptr;
    m_context = nullptr;
    m_adapter.reset();
    m_handshakeError.clear();
    const bool wasReady = m_ready;
    m_ready = false;
    if (wasReady || error != m_lastError)
        qCInfo(lcXDNetwork, "%ls", qUtf16Printable(error));
    m_lastError = error;
    scheduleReconnect();
    Q_EMIT lost(error);
}

void RedisConnection::scheduleReconnect()
{
    if (m_closing || m_reconnectTimer->isActive())
        return;
    // Jitter keeps many clients from reconnecting in lockstep after a server restart.
    const int jitter = int(QRandomGenerator::global()->bounded(m_backoffMs / 4 + 1));
    m_reconnectTimer->start(m_backoffMs + jitter);
    m_backoffMs = qMin(m_backoffMs * 2, MaximumBackoffMs);
}

} // namespace XDMessagingPrivate
