// SPDX-License-Identifier: MIT
#pragma once

// The registry of native-window listeners: a property on the X root window holding the
// window ids of live listeners, 32-bit each. Any X client can write it, so parsing
// treats it as untrusted input. (Each listener's own description is a manifest, see
// manifest_p.h, in a property of its window.)

#include <QtCore/QByteArrayView>
#include <QtCore/QList>
#include <QtCore/QString>

namespace XDMessagingPrivate {

constexpr qsizetype MaximumRegistryEntries = 65536;

// Parses the registry property's value (format 32, in the client's byte order as xcb
// hands it over). Duplicates and zero ids are dropped. Returns false with *error for a
// value that cannot be a registry.
bool decodeX11Registry(QByteArrayView bytes, int format, QList<quint32> *windows, QString *error);

} // namespace XDMessagingPrivate
