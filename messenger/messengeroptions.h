// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QPoint>
#include <QtCore/QStringList>

// What the command line asks of a Messenger window.
struct MessengerOptions
{
    QString name; // empty: "Messenger <pid>"
    XDTransport transport = XDTransport::Auto;
    QString language; // empty: the system locale
    QStringList say; // sent on UserMessage once the window is up
    int quitAfterMs = -1; // close by itself (scripted demos)
    bool echo = false; // print each log line to stdout too
    bool readStdin = false; // send each line of stdin as if typed (scripted demos)
    bool hasPosition = false;
    QPoint position;
};

// Parses the arguments of app; prints help or an error and returns false when the
// program should exit (*exitCode says how).
bool parseMessengerOptions(const QStringList &arguments, MessengerOptions *options, int *exitCode);
