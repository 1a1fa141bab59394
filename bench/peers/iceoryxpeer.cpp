// SPDX-License-Identifier: MIT
#include "iceoryxpeer.h"

#include <iceoryx_hoofs/log/logmanager.hpp>
#include <iceoryx_posh/mepoo/chunk_header.hpp>
#include <iceoryx_posh/runtime/posh_runtime.hpp>

#include <string>
#include <unistd.h>

namespace {

iox::capro::IdString_t idString(const QString &text)
{
    return iox::capro::IdString_t(iox::cxx::TruncateToCapacity, text.toStdString());
}

} // namespace

void initIceoryxRuntime()
{
    // Its informational lines would fill the benchmark's progress output.
    iox::log::LogManager::GetLogManager().SetDefaultLogLevel(iox::log::LogLevel::kWarn,
                                                             iox::log::LogLevelOutput::kHideLogLevel);
    const std::string name = "xdmessaging-bench-" + std::to_string(::getpid());
    iox::runtime::PoshRuntime::initRuntime(iox::RuntimeName_t(iox::cxx::TruncateToCapacity, name));
}

iox::capro::ServiceDescription iceoryxService(const PeerConfig &config, const char *event)
{
    return {idString(QStringLiteral("xdmessaging-bench")), idString(config.channel),
            idString(QString::fromLatin1(event))};
}

quint32 chunkPayloadSize(const void *payload)
{
    return iox::mepoo::ChunkHeader::fromUserPayload(payload)->userPayloadSize();
}

QString allocationErrorString(iox::popo::AllocationError error)
{
    return QString::fromLatin1(iox::popo::asStringLiteral(error));
}
