// SPDX-License-Identifier: MIT
#include "codec/manifest_p.h"

#include "codec/frame_p.h"

namespace XDMessagingPrivate {

namespace {

constexpr QByteArrayView ManifestFirstLine("xdmessaging-manifest 1");
constexpr QByteArrayView SharedPayloadsFeature("shared-payloads");

bool parsePid(QByteArrayView value, qint64 *pid)
{
    if (value.isEmpty() || value.size() > 10)
        return false;
    qint64 result = 0;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return false;
        result = result * 10 + (c - '0');
    }
    *pid = result;
    return result > 0;
}

bool parseLine(QByteArrayView key, QByteArrayView value, ListenerManifest *manifest, QString *error)
{
    if (key == "id") {
        manifest->id = QUuid::fromString(QLatin1StringView(value));
        if (manifest->id.isNull()) {
            *error = QStringLiteral("invalid listener id");
            return false;
        }
    } else if (key == "pid") {
        if (!parsePid(value, &manifest->pid)) {
            *error = QStringLiteral("invalid pid");
            return false;
        }
    } else if (key == "name") {
        if (value.size() > MaximumSenderNameBytes || !isValidUtf8(value)) {
            *error = QStringLiteral("invalid listener name");
            return false;
        }
        manifest->name = QString::fromUtf8(value);
    } else if (key == "transport") {
        XDTransport transport;
        if (xdParseTransportName(QString::fromUtf8(value), &transport) && transport != XDTransport::Auto
            && !manifest->transports.contains(transport)) {
            manifest->transports.append(transport);
        }
    } else if (key == "feature") {
        if (value == SharedPayloadsFeature)
            manifest->sharedPayloads = true;
    } else if (key == "channel") {
        const QString problem = channelNameProblemUtf8(value);
        if (!problem.isEmpty()) {
            *error = problem;
            return false;
        }
        if (manifest->channels.size() >= MaximumManifestChannels) {
            *error = QStringLiteral("too many channels");
            return false;
        }
        manifest->channels.append(QString::fromUtf8(value));
    }
    return true;
}

// A name is one line: control characters (a newline would start a line of its own) become
// spaces.
QByteArray manifestName(const QString &name)
{
    QString line = name;
    for (QChar &c : line) {
        if (c.category() == QChar::Other_Control)
            c = QLatin1Char(' ');
    }
    return truncatedUtf8(line.toUtf8(), MaximumSenderNameBytes).toByteArray();
}

} // namespace

QByteArray encodeManifest(const ListenerManifest &manifest)
{
    QByteArray out = ManifestFirstLine.toByteArray() + '\n';
    out += "id " + manifest.id.toByteArray(QUuid::WithoutBraces) + '\n';
    out += "pid " + QByteArray::number(manifest.pid) + '\n';
    out += "name " + manifestName(manifest.name) + '\n';
    for (const XDTransport transport : manifest.transports)
        out += "transport " + xdTransportName(transport).toUtf8() + '\n';
    if (manifest.sharedPayloads)
        out += "feature " + SharedPayloadsFeature.toByteArray() + '\n';
    for (const QString &channel : manifest.channels)
        out += "channel " + channel.toUtf8() + '\n';
    return out;
}

bool decodeManifest(QByteArrayView bytes, ListenerManifest *manifest, QString *error)
{
    if (bytes.size() > MaximumManifestBytes) {
        *error = QStringLiteral("manifest larger than %1 bytes").arg(MaximumManifestBytes);
        return false;
    }
    if (!bytes.endsWith('\n')) {
        *error = QStringLiteral("manifest does not end with a newline");
        return false;
    }
    *manifest = ListenerManifest();
    bool firstLine = true;
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype end = bytes.indexOf('\n', start);
        const QByteArrayView line = bytes.sliced(start, end - start);
        start = end + 1;
        if (firstLine) {
            if (line != ManifestFirstLine) {
                *error = QStringLiteral("not an XDMessaging manifest (version 1)");
                return false;
            }
            firstLine = false;
            continue;
        }
        const qsizetype space = line.indexOf(' ');
        if (space <= 0) {
            *error = QStringLiteral("manifest line without a key and value");
            return false;
        }
        if (!parseLine(line.first(space), line.sliced(space + 1), manifest, error))
            return false;
    }
    if (manifest->id.isNull() || manifest->pid <= 0) {
        *error = QStringLiteral("manifest lacks an id or a pid");
        return false;
    }
    return true;
}

} // namespace XDMessagingPrivate
