// SPDX-License-Identifier: MIT
#pragma once

#include "core/transport_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QObject>

#include <memory>
#include <vector>

class QSocketNotifier;
class QTimer;

namespace XDMessagingPrivate {

class LocalSocketDirectory;

// The receiving side of the local-socket transport for one listener: a listening
// socket <id>.sock, a manifest <id>.manifest, and one connection per sending process.
// Lives in the listener's thread; reads through QSocketNotifier, so frames arrive
// through that thread's event loop.
class LocalSocketListener final : public QObject, public ListenerTransport
{
    Q_OBJECT
public:
    LocalSocketListener(const ListenerManifest &identity, FrameSink *sink);
    ~LocalSocketListener() override;

    XDTransport kind() const override { return XDTransport::LocalSocket; }
    bool start(TransportFailure *failure) override;
    bool publish(const ListenerManifest &manifest, QString *error) override;

private:
    struct Peer;
    void acceptPeers();
    void readPeer(Peer *peer);
    // False when the peer was dropped.
    bool readAvailable(Peer *peer);
    // Tells the sender how many of its frames this listener has taken so far.
    enum class Acknowledgement { IfChanged, EvenUnchanged };
    void acknowledge(Peer *peer, Acknowledgement when = Acknowledgement::IfChanged);
    void acknowledgeAll();
    // Parses what is buffered; false when the peer must be dropped.
    bool takeBufferedFrames(Peer *peer);
    // Closes the connection; a non-empty reason is logged as a warning.
    void dropPeer(Peer *peer, const QString &reason);
    bool bindEndpoint(TransportFailure *failure);
    void checkEndpoint();
    quint64 socketFileInode() const; // of <id>.sock in the directory; 0 when missing

    const QUuid m_id;
    FrameSink *const m_sink;
    std::shared_ptr<LocalSocketDirectory> m_directory;
    FileDescriptor m_server;
    QSocketNotifier *m_acceptNotifier = nullptr;
    QTimer *m_endpointCheckTimer = nullptr;
    ListenerManifest m_published; // republished when the endpoint has to be rebuilt
    bool m_endpointBroken = false;
    quint64 m_socketInode = 0;
    std::vector<std::unique_ptr<Peer>> m_peers;
};

} // namespace XDMessagingPrivate
