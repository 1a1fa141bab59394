// SPDX-License-Identifier: MIT
#pragma once

// Large payloads through shared memory. A stream socket moves a megabyte at a third of
// what one copy in and one copy out allow: it goes through the kernel in pieces of its
// buffer size, each a wake-up of the other side. So a sender gives each connection that
// carries large payloads a ring of shared memory (a sealed memfd, passed once over the
// connection with SCM_RIGHTS): it copies a payload into the ring, and the frame on the
// socket says where it lies. The listener copies it out, then counts the frame as taken;
// the sender reuses the room once the listener's acknowledgement covers that frame.
//
// The ring goes only to the listener at the other end of a connection already checked to
// be this user's, so it is as private as the runtime directory. The memfd is sealed
// against shrinking before it is passed: a listener can map it without a sender being
// able to pull pages from under it (which would be SIGBUS, not an error).

#include "transports/localsocket/socketio_p.h"

#include <QtCore/QtGlobal>

#include <deque>
#include <memory>

namespace XDMessagingPrivate {

// Payloads at least this large go through the ring (below it, the socket's copies cost
// less than the ring's bookkeeping and first-touch page faults).
constexpr qsizetype SharedPayloadThreshold = 64 * 1024;
// The ring of one connection: room for a few megabyte messages in flight, enough to keep
// both sides busy (8 MiB measured no faster), at most this much shared memory per
// connection that carried large messages.
constexpr qint64 SharedPayloadRingSize = 4 * 1024 * 1024;
// What a listener accepts from a sender: no more than it would map for anyone.
constexpr qint64 MaximumSharedPayloadRingSize = 64 * 1024 * 1024;

// The sender's side: the memory, and which frames of the connection hold which part.
class SharedPayloadRing
{
public:
    // A sealed memfd of size bytes, mapped; null with *error when the system refuses.
    static std::unique_ptr<SharedPayloadRing> create(qint64 size, QString *error);
    ~SharedPayloadRing();
    SharedPayloadRing(const SharedPayloadRing &) = delete;
    SharedPayloadRing &operator=(const SharedPayloadRing &) = delete;

    int fd() const { return m_fd.get(); }
    char *data() { return m_memory; }
    // Reserves size bytes for the connection's frame number frameNumber (counting from 1,
    // as acknowledgements do) and returns their offset, or -1 when there is no room now.
    qint64 reserve(qint64 size, quint64 frameNumber);
    // The listener has taken framesTaken frames of the connection: their room is free.
    void release(quint64 framesTaken);
    bool holdsFrames() const { return !m_regions.empty(); }

private:
    SharedPayloadRing(FileDescriptor fd, char *memory, qint64 size);
    struct Region
    {
        quint64 frameNumber = 0;
        qint64 begin = 0;
        qint64 end = 0;
    };
    qint64 placeFor(qint64 size) const;

    FileDescriptor m_fd;
    char *m_memory = nullptr;
    qint64 m_size = 0;
    std::deque<Region> m_regions; // in use, oldest first
};

// The listener's side: a sender's ring, mapped read-only.
class SharedPayloadMapping
{
public:
    // Checks that fd is a memfd sealed against shrinking, of an acceptable size, and maps
    // it; null with *error otherwise (the sender is then not to be trusted).
    static std::unique_ptr<SharedPayloadMapping> adopt(FileDescriptor fd, QString *error);
    ~SharedPayloadMapping();
    SharedPayloadMapping(const SharedPayloadMapping &) = delete;
    SharedPayloadMapping &operator=(const SharedPayloadMapping &) = delete;

    // A copy of size bytes at offset; false when they are not inside the ring.
    bool copyOut(quint64 offset, quint32 size, QByteArray *payload) const;

private:
    SharedPayloadMapping(const char *memory, qint64 size) : m_memory(memory), m_size(size) {}
    const char *m_memory = nullptr;
    qint64 m_size = 0;
};

} // namespace XDMessagingPrivate
