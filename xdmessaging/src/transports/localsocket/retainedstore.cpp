// SPDX-License-Identifier: MIT
#include "transports/localsocket/retainedstore_p.h"

#include "core/logging_p.h"
#include "core/runtimedir_p.h"
#include "transports/localsocket/socketio_p.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>

#include <cerrno>
#include <unistd.h>

namespace XDMessagingPrivate::RetainedStore {

namespace {

QString directoryPath()
{
    return runtimeDirectoryPath() + QStringLiteral("/retained");
}

QString fileName(QByteArrayView channelUtf8)
{
    return QString::fromLatin1(QCryptographicHash::hash(channelUtf8, QCryptographicHash::Sha256).toHex());
}

} // namespace

bool save(QByteArrayView channelUtf8, const EncodedFrame &frame, QString *error)
{
    const QString directory = directoryPath();
    if (!ensureRuntimeDirectory(runtimeDirectoryPath(), error) || !ensureRuntimeDirectory(directory, error))
        return false;
    const QString path = directory + QLatin1Char('/') + fileName(channelUtf8);
    if (frame.payload.isEmpty()) {
        if (::unlink(QFile::encodeName(path).constData()) != 0 && errno != ENOENT) {
            *error = QStringLiteral("cannot clear %1: %2").arg(path, systemErrorString(errno));
            return false;
        }
        return true;
    }
    return writeFileAtomically(directory, fileName(channelUtf8), frame.head + frame.payload, error);
}

std::optional<Frame> load(QByteArrayView channelUtf8, qint64 maximumPayload)
{
    const QString path = directoryPath() + QLatin1Char('/') + fileName(channelUtf8);
    QByteArray bytes;
    QString error;
    if (!readOwnRegularFile(path, FrameHeaderSize + 2 * MaximumChannelNameBytes + FrameReferenceSize + maximumPayload,
                            &bytes, &error)) {
        if (QFile::exists(path))
            qCWarning(lcXDLocalSocket, "ignoring the retained value %ls: %ls", qUtf16Printable(path),
                      qUtf16Printable(error));
        return std::nullopt;
    }
    Frame frame;
    const DecodeStatus status = decodeFrame(bytes, maximumPayload, &frame, &error);
    if (status != DecodeStatus::Complete || frame.head.frameSize() != bytes.size() || frame.head.channel != channelUtf8
        || !(frame.head.meta.flags & RetainedFlag)) {
        qCWarning(lcXDLocalSocket, "ignoring the retained value %ls: %ls", qUtf16Printable(path),
                  qUtf16Printable(error.isEmpty() ? QStringLiteral("not a retained message of this channel") : error));
        return std::nullopt;
    }
    return frame;
}

} // namespace XDMessagingPrivate::RetainedStore
