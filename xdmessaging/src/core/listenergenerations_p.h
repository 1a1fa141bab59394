// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

#include <sys/types.h>

namespace XDMessagingPrivate {

// The runtime directory's shared file "generation": one counter per transport, which
// every listener of this user on this machine bumps after it changed what it publishes
// there. Senders read the counters from shared memory on each send, so they notice a
// change without a system call and look at the directory or the X registry again only
// then. One mapping per directory and process.
class ListenerGenerations
{
public:
    enum class Counter { LocalSocket = 0, NativeWindow = 1 };

    // The counters of the runtime directory at path, which must exist.
    static std::shared_ptr<ListenerGenerations> open(const QString &path, QString *error);
    // The same, creating and checking the directory first (ensureRuntimeDirectory()):
    // for a transport that keeps nothing else there.
    static std::shared_ptr<ListenerGenerations> openCreatingDirectory(const QString &path, QString *error);
    ~ListenerGenerations();

    quint64 load(Counter counter) const;
    void bump(Counter counter);
    // False when the file was removed or replaced since it was mapped (someone cleaned
    // the runtime directory while we run).
    bool isIntact() const;
    // Maps the file again, creating it when missing.
    bool remap(QString *error);

private:
    explicit ListenerGenerations(const QString &path) : m_filePath(path + QStringLiteral("/generation")) {}
    quint64 *counter(Counter which) const;

    const QString m_filePath;
    std::atomic<quint64 *> m_counters {nullptr};
    mutable std::mutex m_mappingMutex;
    // Earlier mappings stay valid until destruction: another thread may still read one.
    std::vector<quint64 *> m_mappings;
    dev_t m_device = 0;
    ino_t m_inode = 0;
};

} // namespace XDMessagingPrivate
