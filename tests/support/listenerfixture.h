// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdlistener.h>

#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>

#include <memory>

// A local-socket listener on a random channel, in a runtime directory of its own (set
// in XDMESSAGING_RUNTIME_DIR), with a spy on what it receives: for tests that poke at
// a listener's socket from outside.
class ListenerFixture
{
public:
    explicit ListenerFixture(const QString &channelPrefix);
    ~ListenerFixture();

    bool isListening() const { return m_listening; }
    QString runtimeDir() const { return m_runtimeDir.path(); }
    QString channel() const { return m_channel; }
    QString socketPath() const;
    XDListener &listener() { return *m_listener; }
    QSignalSpy &received() { return *m_received; }

private:
    QTemporaryDir m_runtimeDir;
    QString m_channel;
    std::unique_ptr<XDListener> m_listener;
    std::unique_ptr<QSignalSpy> m_received;
    bool m_listening = false;
};

// Keeps the library's warnings (categories xdmessaging.*) for a test to inspect; every
// other message goes on to the handler that was installed before.
namespace LibraryWarnings {
void capture();
QStringList &captured();
} // namespace LibraryWarnings
