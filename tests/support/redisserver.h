// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>

// A redis-server of the test's own: on a free loopback port, in a temporary directory,
// without persistence ("--save ''"), ended by its PID. Tests using it run side by side.
class RedisServer
{
public:
    explicit RedisServer(const QString &password = QString());
    ~RedisServer();

    // Starts on a free port (retrying when another process took the port first).
    bool start();
    // Starts again on the same port, e.g. after kill().
    bool restart();
    // SIGKILL: the server dies at once, with everything in memory.
    void kill();
    bool isRunning() const { return m_process.state() == QProcess::Running; }
    qint64 pid() const { return m_process.processId(); }
    quint16 port() const { return m_port; }
    QString url(const QString &password = QString()) const;
    QString errorString() const { return m_error; }

    // Runs redis-cli against this server; stdinData goes to the last argument with -x.
    QByteArray cli(const QStringList &arguments, const QByteArray &stdinData = QByteArray());

private:
    bool startOnPort(quint16 port);
    QTemporaryDir m_directory;
    QProcess m_process;
    QString m_password;
    quint16 m_port = 0;
    QString m_error;
};
