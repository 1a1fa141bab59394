// SPDX-License-Identifier: MIT
#pragma once

#include "codec/manifest_p.h"
#include "core/listenergenerations_p.h"

#include <QtCore/QSet>
#include <QtCore/QString>
#include <QtCore/QUuid>

#include <memory>
#include <mutex>

namespace XDMessagingPrivate {

// The runtime directory as the local-socket transport uses it. Each listener has
//   <id>.sock      its listening socket
//   <id>.manifest  who it is and its channels (see manifest_p.h)
// and the directory's shared generation file holds a counter every listener bumps after
// it changed its manifest (core/listenergenerations_p.h): senders rescan only when it moved.
class LocalSocketDirectory
{
public:
    // The directory for this process's environment, created and checked; shared.
    static std::shared_ptr<LocalSocketDirectory> open(QString *error);
    ~LocalSocketDirectory();

    QString path() const { return m_path; }
    QString socketPath(const QUuid &id) const;

    quint64 generation() const;
    // False when the directory or its generation file was removed or replaced since it
    // was opened (someone cleaned the runtime directory while we run).
    bool isIntact() const;
    // Recreates the directory if needed and maps its generation file again.
    bool reopen(QString *error);
    bool publish(const ListenerManifest &manifest, QString *error);
    // Removes a listener's manifest and socket; used for our own listeners on exit
    // and for stale endpoints whose socket refuses connections.
    void removeEndpoint(const QUuid &id);
    // Every valid manifest in the directory. Invalid ones are logged once and skipped.
    QList<ListenerManifest> scan();

private:
    explicit LocalSocketDirectory(const QString &path);
    void bumpGeneration();
    QString manifestPath(const QUuid &id) const;

    const QString m_path;
    std::shared_ptr<ListenerGenerations> m_generations;
    std::mutex m_loggedMutex;
    QSet<QString> m_loggedInvalid;
};

} // namespace XDMessagingPrivate
