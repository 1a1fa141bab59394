// SPDX-License-Identifier: MIT
// Feeds arbitrary bytes and formats to the parser of the X11 listener registry, which
// any client of the display can write.
#include "codec/x11registry_p.h"

#include <cstddef>
#include <cstdint>

using namespace XDMessagingPrivate;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    const int format = data[0] % 3 == 0 ? 8 : data[0] % 3 == 1 ? 16 : 32;
    QList<quint32> windows;
    QString error;
    const QByteArrayView bytes(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));
    if (decodeX11Registry(bytes, format, &windows, &error)) {
        if (windows.size() > bytes.size() / 4 || windows.contains(0u))
            __builtin_trap();
    } else if (error.isEmpty()) {
        __builtin_trap();
    }
    return 0;
}
