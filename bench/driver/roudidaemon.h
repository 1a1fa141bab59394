// SPDX-License-Identifier: MIT
#pragma once

// The iceoryx RouDi daemon of the benchmark's own, for iceoryx-pubsub. iceoryx 2.0 has one
// per machine (its socket /tmp/roudi and its lock file are fixed paths), so a RouDi that
// something else started is never used: its mempools decide what can be sent, and ending
// it is not ours to do. Ours gets its configuration and log in the benchmark's work
// directory, dies with the benchmark (PR_SET_PDEATHSIG) and is ended by its PID.

#include <QtCore/QProcess>
#include <QtCore/QString>

class RouDiDaemon
{
public:
    RouDiDaemon() = default;
    ~RouDiDaemon();
    RouDiDaemon(const RouDiDaemon &) = delete;
    RouDiDaemon &operator=(const RouDiDaemon &) = delete;

    // Writes roudi.toml into directory, starts iox-roudi and waits until it takes clients.
    // False, with errorString(), when iox-roudi is not installed, another RouDi runs, or
    // it did not start.
    bool start(const QString &directory, int timeoutMs = 10000);
    qint64 pid() const { return m_process.processId(); }
    QString errorString() const { return m_error; }

private:
    bool writeConfig(const QString &path);
    bool waitUntilReady(int timeoutMs);
    QString howItEnded() const;
    QString log() const;

    QProcess m_process;
    QString m_logPath;
    QString m_error;
};
