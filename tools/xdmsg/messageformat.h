// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdlistenerinfo.h>
#include <XDMessaging/xdmessage.h>

#include <QtCore/QByteArray>

// How xdmsg prints things; scripts parse these lines.

// Backslash, newline and tab escaped as \\, \n and \t.
QString escapeText(const QString &text);
// "CHANNEL<TAB>TEXT", both escaped.
QByteArray messageLine(const XDMessage &message);
// One compact JSON object: channel, text or payload_base64, sender_pid, sender_name, id,
// transport, timestamp, payload_type; retained and request, true, when they are.
QByteArray messageJson(const XDMessage &message);

QByteArray listenersTable(const QList<XDListenerInfo> &listeners);
QByteArray listenersJson(const QList<XDListenerInfo> &listeners);
// For channels --watch: "EVENT<TAB>PID<TAB>NAME<TAB>TRANSPORTS<TAB>CHANNELS", EVENT one of
// present, joined, left, vanished; or one compact JSON object with "event" and the
// listener's fields, as in listenersJson().
QByteArray presenceHeader();
QByteArray presenceLine(const QString &event, const XDListenerInfo &listener);
QByteArray presenceJson(const QString &event, const XDListenerInfo &listener);
