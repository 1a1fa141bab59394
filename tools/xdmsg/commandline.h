// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QStringList>

// Exit codes scripts rely on.
enum ExitCode { ExitSuccess = 0, ExitFailure = 1, ExitUsage = 2 };

// Prints "xdmsg: <message>" as one line on stderr.
void printError(const QString &message);
// Prints a usage error with a hint and returns ExitUsage.
int usageError(const QString &message);

// Adds --transport to parser; after parsing, reads it into *transport.
void addTransportOption(QCommandLineParser &parser);
bool readTransportOption(const QCommandLineParser &parser, XDTransport *transport);

// SIGINT and SIGTERM end the event loop normally (exit 0), so listeners withdraw
// themselves instead of leaving a stale endpoint behind.
void quitOnTerminationSignals();
// Writes bytes to standard output and flushes: scripts read line by line, as it happens.
void writeOut(const QByteArray &bytes);

// Reads the option name, a number of seconds, into *seconds (fallback when it is not
// given); false when it is not a number of seconds, 0 or more.
bool readSecondsOption(const QCommandLineParser &parser, const QString &name, double fallback, double *seconds);

// Parses arguments (the command name first); prints help (returns ExitSuccess) or a
// usage error (ExitUsage) by itself. Returns -1 when the command should run.
int parseCommand(QCommandLineParser &parser, const QStringList &arguments);

int runSend(const QStringList &arguments);
int runListen(const QStringList &arguments);
int runChannels(const QStringList &arguments);
int runRequest(const QStringList &arguments);
