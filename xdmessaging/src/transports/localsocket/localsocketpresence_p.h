// SPDX-License-Identifier: MIT
#pragma once

#include "core/transport_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QHash>
#include <QtCore/QObject>

#include <memory>

class QFileSystemWatcher;
class QSocketNotifier;
class QTimer;

namespace XDMessagingPrivate {

class LocalSocketDirectory;

// Who listens on the local socket, as it happens. The runtime directory is watched
// (inotify, through QFileSystemWatcher): a manifest written, replaced or removed is a
// listener joining, changing or leaving. A listener killed leaves its manifest behind,
// so the watcher also holds a connection to each listener it reports: a listener that
// leaves says goodbye on it before closing, and the kernel closes it without a word
// when the process dies: that listener vanished (its endpoint is cleaned, as senders
// do). Nothing is polled.
class LocalSocketPresence final : public QObject, public PresenceSource
{
public:
    explicit LocalSocketPresence(PresenceSink *sink);
    ~LocalSocketPresence() override;

    XDTransport kind() const override { return XDTransport::LocalSocket; }
    bool start(TransportFailure *failure) override;

private:
    struct Watched
    {
        ListenerRecord record;
        FileDescriptor connection;
        QSocketNotifier *notifier = nullptr;
        bool saidGoodbye = false;
    };
    enum class Probe { Alive, Dead, Unknown };

    void rescanSoon();
    void rescan();
    Probe watch(const ListenerRecord &record, Watched *watched);
    void connectionClosed(const QUuid &id);
    void forget(const QUuid &id, bool vanished);
    void checkDirectory();

    PresenceSink *m_sink;
    std::shared_ptr<LocalSocketDirectory> m_directory;
    QFileSystemWatcher *m_watcher = nullptr;
    QTimer *m_rescanTimer = nullptr; // coalesces a burst of directory events
    QTimer *m_retryTimer = nullptr; // while the directory is gone or a listener was busy
    QHash<QUuid, std::shared_ptr<Watched>> m_watched;
    bool m_broken = false;
};

} // namespace XDMessagingPrivate
