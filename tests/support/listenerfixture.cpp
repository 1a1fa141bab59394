// SPDX-License-Identifier: MIT
#include "listenerfixture.h"

#include <QtCore/QUuid>

ListenerFixture::ListenerFixture(const QString &channelPrefix)
    : m_channel(channelPrefix + QUuid::createUuid().toString(QUuid::Id128))
{
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir.path()));
    m_listener = std::make_unique<XDListener>(XDTransport::LocalSocket);
    m_listening = m_runtimeDir.isValid() && m_listener->registerChannel(m_channel);
    m_received = std::make_unique<QSignalSpy>(m_listener.get(), &XDListener::messageReceived);
}

ListenerFixture::~ListenerFixture()
{
    m_received.reset();
    m_listener.reset(); // before its directory goes
}

QString ListenerFixture::socketPath() const
{
    return m_runtimeDir.filePath(m_listener->id().toString(QUuid::Id128) + QStringLiteral(".sock"));
}

namespace LibraryWarnings {

namespace {
QtMessageHandler previousHandler = nullptr;

void keepLibraryWarnings(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && QByteArrayView(context.category).startsWith("xdmessaging."))
        captured().append(message);
    else
        previousHandler(type, context, message);
}
} // namespace

void capture()
{
    previousHandler = qInstallMessageHandler(keepLibraryWarnings);
}

QStringList &captured()
{
    static QStringList messages;
    return messages;
}

} // namespace LibraryWarnings
