// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QProcess>
#include <QtCore/QStringList>

#include <functional>

// A helper process of a test: started with the test's runtime directory (and any extra
// environment), its output lines collected, and ended by PID when the object goes away.
class PeerProcess
{
public:
    PeerProcess(const QString &program, const QString &runtimeDir, const QStringList &arguments,
                const QProcessEnvironment &extraEnvironment = QProcessEnvironment());
    ~PeerProcess();

    bool waitForReady(int timeoutMs = 10000);
    // Waits for a line starting with prefix; false when the process ended or time ran out.
    bool waitForLineStartingWith(const QString &prefix, int timeoutMs);
    // Waits until count lines start with prefix.
    bool waitForLinesStartingWith(const QString &prefix, qsizetype count, int timeoutMs);
    // Writes line and a newline to the process's standard input.
    void writeLine(const QByteArray &line);
    bool waitForFinished(int timeoutMs);
    // Lines of the form "MSG ..." received so far.
    QStringList messages();
    QStringList linesStartingWith(const QString &prefix);
    // The first line starting with prefix, or containing text; else an empty string.
    QString lineStartingWith(const QString &prefix);
    QString lineContaining(const QString &text);
    QString lastLine();
    qint64 pid() const { return m_process.processId(); }
    QProcess &process() { return m_process; }

private:
    void readLines();
    bool waitForLine(const std::function<bool(const QString &)> &matches, int timeoutMs);
    // Reads output until done() or the process ended or time ran out; done()'s last word.
    bool waitUntil(const std::function<bool()> &done, int timeoutMs);
    QProcess m_process;
    QByteArray m_pending;
    QStringList m_lines;
};
