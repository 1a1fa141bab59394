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
    void readPeer(const std::weak_ptr<Peer> &weakPeer);
    enum class ReadStatus { Dropped, Drained, MoreBuffered };
    // Reads (counting *budget down) and takes up to frameLimit frames. MoreBuffered: the
    // limit was reached with more to take; Drained: the socket had no more, or the budget
    // ran out (one busy sender cannot starve the others).
    ReadStatus readAvailable(Peer *peer, int frameLimit, qint64 *budget);
    // Tells the sender how many of its frames this listener has taken so far.
    enum class Acknowledgement { IfChanged, EvenUnchanged };
    void acknowledge(Peer *peer, Acknowledgement when = Acknowledgement::IfChanged);
    void acknowledgeAll();
    // Parses what is buffered, up to *room frames (counted down); false when the peer must
    // be dropped.
    bool takeBufferedFrames(Peer *peer, int *room);
    // The ring of shared memory a sender passed, or a refusal (see receiveWithDescriptor()).
    bool adoptSharedPayloads(Peer *peer, FileDescriptor passed, bool refused);
    bool takeSharedPayload(Peer *peer, Frame *frame);
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
    std::vector<std::shared_ptr<Peer>> m_peers; // shared: a read checks its peer outlived the slots
};

} // namespace XDMessagingPrivate
