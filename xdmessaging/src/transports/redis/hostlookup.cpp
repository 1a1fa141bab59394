// SPDX-License-Identifier: MIT
#include "transports/redis/hostlookup_p.h"

#include <QtCore/QMetaObject>

#include <thread>

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

namespace XDMessagingPrivate {

namespace {

QByteArray numeric(const addrinfo *entry)
{
    char text[INET6_ADDRSTRLEN] = {};
    const void *address =
            entry->ai_family == AF_INET
                    ? static_cast<const void *>(&reinterpret_cast<sockaddr_in *>(entry->ai_addr)->sin_addr)
                    : static_cast<const void *>(&reinterpret_cast<sockaddr_in6 *>(entry->ai_addr)->sin6_addr);
    return inet_ntop(entry->ai_family, address, text, sizeof text) ? QByteArray(text) : QByteArray();
}

// The first IPv4 address, else the first one (IPv6: AF_UNSPEC gives no other family),
// as hiredis itself chooses when it resolves.
QByteArray resolve(const QByteArray &host, QString *error)
{
    addrinfo hints {};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo *found = nullptr;
    const int failed = getaddrinfo(host.constData(), nullptr, &hints, &found);
    if (failed != 0) {
        *error = QString::fromLocal8Bit(gai_strerror(failed));
        return {};
    }
    const addrinfo *chosen = found;
    for (const addrinfo *entry = found; entry; entry = entry->ai_next) {
        if (entry->ai_family == AF_INET) {
            chosen = entry;
            break;
        }
    }
    const QByteArray address = numeric(chosen);
    freeaddrinfo(found);
    if (address.isEmpty())
        *error = QStringLiteral("no IPv4 or IPv6 address");
    return address;
}

} // namespace

std::shared_ptr<HostLookup> HostLookup::start(const QByteArray &host, QObject *context, Done done)
{
    std::shared_ptr<HostLookup> lookup(new HostLookup(context, std::move(done)));
    std::thread([lookup, host] {
        QString error;
        const QByteArray address = resolve(host, &error);
        lookup->finished(address, error);
    }).detach();
    return lookup;
}

void HostLookup::cancel()
{
    std::lock_guard lock(m_mutex);
    m_context = nullptr;
}

// Posted while holding the lock: the context cannot be destroyed in between (its owner
// cancels first), and Qt drops what is still posted to an object once it is destroyed.
void HostLookup::finished(const QByteArray &address, const QString &error)
{
    std::lock_guard lock(m_mutex);
    if (!m_context)
        return;
    QMetaObject::invokeMethod(
            m_context, [done = m_done, address, error] { done(address, error); }, Qt::QueuedConnection);
}

} // namespace XDMessagingPrivate
