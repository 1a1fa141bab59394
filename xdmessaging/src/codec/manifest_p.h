// SPDX-License-Identifier: MIT
#pragma once

// The description a listener publishes of itself: who it is and which channels it
// listens on. A line-based UTF-8 text a person can read with `cat`:
//
//   xdmessaging-manifest 1
//   id 0f3c...
//   pid 4711
//   name Messenger
//   transport localsocket
//   feature shared-payloads
//   channel Status
//
// Another process wrote it, so parsing treats it as untrusted input. Unknown keys and
// features are ignored so that later versions can add some. A feature is what a sender
// may use only with a listener that says it understands it: shared-payloads, large
// payloads in shared memory over the local socket (see SharedPayloadFlag).

#include <XDMessaging/xdglobal.h>

#include <QtCore/QByteArray>
#include <QtCore/QList>
#include <QtCore/QStringList>
#include <QtCore/QUuid>

namespace XDMessagingPrivate {

constexpr qsizetype MaximumManifestBytes = 1024 * 1024;
constexpr qsizetype MaximumManifestChannels = 4096;

struct ListenerManifest
{
    QUuid id;
    qint64 pid = 0;
    QString name;
    QList<XDTransport> transports;
    bool sharedPayloads = false; // the feature shared-payloads
    QStringList channels;

    friend bool operator==(const ListenerManifest &a, const ListenerManifest &b)
    {
        return a.id == b.id && a.pid == b.pid && a.name == b.name && a.transports == b.transports
               && a.sharedPayloads == b.sharedPayloads && a.channels == b.channels;
    }
    friend bool operator!=(const ListenerManifest &a, const ListenerManifest &b) { return !(a == b); }
};

QByteArray encodeManifest(const ListenerManifest &manifest);

// Returns false and sets *error when bytes is not a valid manifest.
bool decodeManifest(QByteArrayView bytes, ListenerManifest *manifest, QString *error);

} // namespace XDMessagingPrivate
