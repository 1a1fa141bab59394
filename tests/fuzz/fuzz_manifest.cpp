// SPDX-License-Identifier: MIT
// Feeds arbitrary bytes to the listener-manifest parser, as a planted or corrupt file in
// the runtime directory would.
#include "codec/manifest_p.h"

#include <cstddef>
#include <cstdint>

using namespace XDMessagingPrivate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ListenerManifest manifest;
    QString error;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    if (decodeManifest(bytes, &manifest, &error)) {
        // A valid manifest survives a round trip.
        ListenerManifest again;
        if (!decodeManifest(encodeManifest(manifest), &again, &error) || again.id != manifest.id
            || again.channels != manifest.channels || again.pid != manifest.pid) {
            __builtin_trap();
        }
    }
    return 0;
}
