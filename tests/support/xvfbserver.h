// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QTemporaryDir>

// An Xvfb of the caller's own, on a display number the server picks itself
// (-displayfd), so tests can run side by side. Ended, by its PID, on destruction.
class XvfbServer
{
public:
    XvfbServer() = default;
    ~XvfbServer();
    XvfbServer(const XvfbServer &) = delete;
    XvfbServer &operator=(const XvfbServer &) = delete;

    // Starts Xvfb and waits up to timeoutMs for it to accept connections.
    bool start(int timeoutMs = 10000);
    void stop();

    // ":N", valid after start() succeeded.
    QString display() const { return m_display; }
    QString errorString() const { return m_error; }
    qint64 pid() const { return m_process.processId(); }

    // True when an Xvfb binary is installed.
    static bool isAvailable();

private:
    QString logTail() const;
    QTemporaryDir m_logDirectory; // Xvfb's error output, quoted when it fails to start
    QProcess m_process;
    QString m_display;
    QString m_error;
};
