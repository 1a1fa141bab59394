// SPDX-License-Identifier: MIT
#include "codec/x11registry_p.h"

#include <QtCore/QSet>

#include <cstring>

namespace XDMessagingPrivate {

bool decodeX11Registry(QByteArrayView bytes, int format, QList<quint32> *windows, QString *error)
{
    windows->clear();
    if (bytes.isEmpty())
        return true;
    if (format != 32 || bytes.size() % 4 != 0) {
        *error = QStringLiteral("registry has format %1 and %2 bytes; expected 32-bit window ids")
                         .arg(format)
                         .arg(bytes.size());
        return false;
    }
    if (bytes.size() / 4 > MaximumRegistryEntries) {
        *error = QStringLiteral("registry has more than %1 entries").arg(MaximumRegistryEntries);
        return false;
    }
    QSet<quint32> seen;
    for (qsizetype offset = 0; offset < bytes.size(); offset += 4) {
        quint32 window;
        std::memcpy(&window, bytes.data() + offset, sizeof window);
        if (window != 0 && !seen.contains(window)) {
            seen.insert(window);
            windows->append(window);
        }
    }
    return true;
}

} // namespace XDMessagingPrivate
