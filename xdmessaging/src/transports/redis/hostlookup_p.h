// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QObject>
#include <QtCore/QString>

#include <functional>
#include <memory>
#include <mutex>

namespace XDMessagingPrivate {

// One host name resolved on a thread of its own: getaddrinfo() blocks, and no thread of
// the application (the GUI thread least of all) waits for DNS. Not Qt Network's
// QHostInfo: the library would load Qt Network and what it brings (Kerberos, libproxy)
// into every process for this one call.
class HostLookup
{
public:
    // address: numeric, IPv4 preferred; empty when it failed, with error saying why.
    using Done = std::function<void(const QByteArray &address, const QString &error)>;

    // done runs in context's thread, unless cancel() came first.
    static std::shared_ptr<HostLookup> start(const QByteArray &host, QObject *context, Done done);
    // The owner calls this before context is destroyed: done will not run.
    void cancel();

private:
    HostLookup(QObject *context, Done done) : m_context(context), m_done(std::move(done)) {}
    void finished(const QByteArray &address, const QString &error);

    std::mutex m_mutex;
    QObject *m_context; // null once cancelled
    Done m_done;
};

} // namespace XDMessagingPrivate
