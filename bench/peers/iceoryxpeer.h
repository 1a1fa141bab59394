// SPDX-License-Identifier: MIT
#pragma once

// What iceoryx-pubsub's receivers (iceoryxreceiver.cpp) and senders (iceoryxsender.cpp)
// share. iceoryx 2.0 publish/subscribe through the RouDi daemon the driver started, with
// loaned chunks: the zero-copy limit. A producer writes its message into the chunk it
// publishes, and consumers read it there; here the message is its 24-byte header, the rest
// of the chunk is left as it is (copying a prepared payload in would measure memcpy).
//
// A channel has two services: "messages", which senders publish and receivers subscribe to
// (a full subscriber queue holds its publisher: BLOCK_PRODUCER and WAIT_FOR_CONSUMER), and
// "replies", which receivers publish greetings' answers and echoes on. RouDi connects them
// in its discovery loop, in its own time, and a publisher only tells whether it has any
// subscriber at all; so a sender publishes a Hello until every receiver has answered it.

#include "benchmessage.h"
#include "peerconfig.h"

#include <iceoryx_posh/capro/service_description.hpp>
#include <iceoryx_posh/popo/untyped_publisher.hpp>
#include <iceoryx_posh/popo/untyped_subscriber.hpp>

constexpr char IceoryxMessagesEvent[] = "messages";
constexpr char IceoryxRepliesEvent[] = "replies";

struct IceoryxHello
{
    quint32 senderId;
};

struct IceoryxAck
{
    quint32 senderId;
    quint32 receiverPid;
};

// Benchmark messages are longer: the size tells a greeting from a message.
static_assert(sizeof(IceoryxHello) < BenchHeaderSize && sizeof(IceoryxAck) < BenchHeaderSize);

// Registers this process with RouDi, as xdmessaging-bench-<pid>.
void initIceoryxRuntime();
iox::capro::ServiceDescription iceoryxService(const PeerConfig &config, const char *event);
// The user payload's size, from the chunk's header.
quint32 chunkPayloadSize(const void *payload);
QString allocationErrorString(iox::popo::AllocationError error);

// Loans a chunk of size bytes, lets fill write it and publishes it; false, with *error,
// when no chunk could be had.
template<typename Fill>
bool publishChunk(iox::popo::UntypedPublisher &publisher, quint32 size, Fill fill, QString *error)
{
    auto loaned = publisher.loan(size);
    if (loaned.has_error()) {
        *error = allocationErrorString(loaned.get_error());
        return false;
    }
    fill(loaned.value());
    publisher.publish(loaned.value());
    return true;
}
