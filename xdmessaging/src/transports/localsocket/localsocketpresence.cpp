// SPDX-License-Identifier: MIT
#include "transports/localsocket/localsocketpresence_p.h"

#include "core/logging_p.h"
#include "transports/localsocket/localsocketdirectory_p.h"

#include <QtCore/QFileSystemWatcher>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>

#include <cerrno>
#include <unistd.h>

namespace XDMessagingPrivate {

namespace {

// How soon a busy listener (its backlog full) or a missing directory is looked at again.
constexpr std::chrono::milliseconds RetryInterval(500);

} // namespace

LocalSocketPresence::LocalSocketPresence(PresenceSink *sink) : m_sink(sink) {}

LocalSocketPresence::~LocalSocketPresence()
{
    for (const auto &watched : std::as_const(m_watched))
        delete watched->notifier; // before its descriptor closes
}

bool LocalSocketPresence::start(TransportFailure *failure)
{
    QString error;
    m_directory = LocalSocketDirectory::open(&error);
    if (!m_directory) {
        *failure = {XDError::RuntimeDirectoryError, error};
        return false;
    }
    m_watcher = new QFileSystemWatcher(this);
    if (!m_watcher->addPath(m_directory->path())) {
        *failure = {XDError::RuntimeDirectoryError,
                    QStringLiteral("cannot watch %1 for listeners coming and going").arg(m_directory->path())};
        return false;
    }
    connect(m_watcher, &QFileSystemWatcher::directoryChanged, this, &LocalSocketPresence::rescanSoon);
    m_rescanTimer = new QTimer(this);
    m_rescanTimer->setSingleShot(true);
    connect(m_rescanTimer, &QTimer::timeout, this, &LocalSocketPresence::rescan);
    m_retryTimer = new QTimer(this);
    m_retryTimer->setInterval(RetryInterval);
    connect(m_retryTimer, &QTimer::timeout, this, &LocalSocketPresence::checkDirectory);
    rescan();
    return true;
}

void LocalSocketPresence::rescanSoon()
{
    m_rescanTimer->start(0);
}

void LocalSocketPresence::rescan()
{
    if (!m_watcher->directories().contains(m_directory->path())) {
        checkDirectory(); // removed or replaced: watch the new one once it exists
        return;
    }
    const QList<ListenerManifest> manifests = m_directory->scan();
    QSet<QUuid> present;
    QSet<QUuid> dead; // their sockets refuse: they died (seen busy before, or never seen)
    bool retry = false;
    for (const ListenerManifest &manifest : manifests) {
        auto known = m_watched.find(manifest.id);
        if (known != m_watched.end() && (*known)->connection.isValid()) {
            present.insert(manifest.id);
            if ((*known)->record != manifest) {
                (*known)->record = manifest;
                m_sink->listenerSeen(kind(), manifest);
            }
            continue;
        }
        auto watched = known != m_watched.end() ? *known : std::make_shared<Watched>();
        const Probe probe = watch(manifest, watched.get());
        if (probe == Probe::Dead) {
            dead.insert(manifest.id);
            continue;
        }
        retry = retry || probe == Probe::Unknown;
        present.insert(manifest.id);
        const bool changed = known == m_watched.end() || watched->record != manifest;
        watched->record = manifest;
        m_watched.insert(manifest.id, watched);
        if (changed)
            m_sink->listenerSeen(kind(), manifest);
    }
    const QList<QUuid> ids = m_watched.keys();
    for (const QUuid &id : ids) {
        if (!present.contains(id))
            forget(id, dead.contains(id)); // else its manifest was removed: it said goodbye
    }
    if (retry || m_broken)
        m_retryTimer->start();
    else
        m_retryTimer->stop();
}

// Connects to the listener and keeps the connection, to hear of its death. Dead: its
// socket refuses (a listener killed earlier), and its endpoint is cleaned.
LocalSocketPresence::Probe LocalSocketPresence::watch(const ListenerRecord &record, Watched *watched)
{
    FileDescriptor socket;
    QString error;
    switch (connectUnix(m_directory->socketPath(record.id), &socket, &error)) {
    case ConnectResult::Connected:
        break;
    case ConnectResult::Refused:
        m_directory->removeEndpoint(record.id);
        return Probe::Dead;
    case ConnectResult::Busy:
        return Probe::Unknown;
    case ConnectResult::Failed:
        qCDebug(lcXDLocalSocket, "presence: cannot reach %ls: %ls", qUtf16Printable(record.id.toString()),
                qUtf16Printable(error));
        return Probe::Unknown;
    }
    watched->connection = std::move(socket);
    delete watched->notifier;
    watched->notifier = new QSocketNotifier(watched->connection.get(), QSocketNotifier::Read, this);
    const QUuid id = record.id;
    connect(watched->notifier, &QSocketNotifier::activated, this, [this, id] { connectionClosed(id); });
    return Probe::Alive;
}

// A listener that leaves writes each connection a last count of frames taken before it
// closes (LocalSocketListener's farewell); this connection sends none, so anything
// read is that farewell. A hang-up without one is a listener that died without a word.
void LocalSocketPresence::connectionClosed(const QUuid &id)
{
    const std::shared_ptr<Watched> watched = m_watched.value(id);
    if (!watched)
        return;
    for (;;) {
        char discard[256];
        const ssize_t received = ::read(watched->connection.get(), discard, sizeof discard);
        if (received > 0) {
            watched->saidGoodbye = true;
            continue;
        }
        if (received < 0 && errno == EINTR)
            continue;
        if (received < 0 && errno == EAGAIN)
            return; // still open
        break;
    }
    const bool vanished = !watched->saidGoodbye;
    if (vanished)
        m_directory->removeEndpoint(id); // what a killed listener left behind
    forget(id, vanished);
}

void LocalSocketPresence::forget(const QUuid &id, bool vanished)
{
    const std::shared_ptr<Watched> watched = m_watched.take(id);
    if (!watched)
        return;
    if (watched->notifier) {
        watched->notifier->setEnabled(false);
        watched->notifier->deleteLater(); // it may be the one calling
    }
    m_sink->listenerGone(kind(), id, vanished);
}

void LocalSocketPresence::checkDirectory()
{
    const QString path = m_directory->path();
    if (!m_watcher->directories().contains(path)) {
        QString error;
        bool usable = m_directory->reopen(&error);
        if (usable && !m_watcher->addPath(path)) {
            usable = false;
            error = QStringLiteral("cannot watch %1 for listeners coming and going").arg(path);
        }
        if (usable != !m_broken) {
            m_broken = !usable;
            m_sink->presenceStateChanged(kind(), usable ? TransportFailure()
                                                        : TransportFailure {XDError::RuntimeDirectoryError, error});
        }
        if (!usable) {
            m_retryTimer->start();
            return;
        }
    }
    rescan();
}

} // namespace XDMessagingPrivate
