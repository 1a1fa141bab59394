// SPDX-License-Identifier: MIT
#pragma once

// The library's own types as QML sees them: the enums under the name XD (XD.Auto,
// XD.MessagesLost, ...) and the value types that signals and send() hand to QML.
#include <XDMessaging/xdglobal.h>
#include <XDMessaging/xdlistenerinfo.h>
#include <XDMessaging/xdmessage.h>
#include <XDMessaging/xdsendresult.h>

#include <QtQml/qqml.h>

// QML_NAMESPACE_EXTENDED rather than QML_FOREIGN_NAMESPACE: Qt 6.4's type registrar
// writes code for a foreign namespace that does not compile.
namespace XDQmlEnums {
Q_NAMESPACE
QML_NAMED_ELEMENT(XD)
QML_NAMESPACE_EXTENDED(XD)
} // namespace XDQmlEnums

// XDMessage.Binary, XDMessage.Text, XDMessage.Json: the payload types, for comparing
// with message.payloadType.
namespace XDQmlMessageEnums {
Q_NAMESPACE
QML_NAMED_ELEMENT(XDMessage)
QML_NAMESPACE_EXTENDED(XDMessage)
} // namespace XDQmlMessageEnums

struct XDQmlMessage
{
    Q_GADGET
    QML_FOREIGN(XDMessage)
    QML_VALUE_TYPE(xdMessage)
};

struct XDQmlSendResult
{
    Q_GADGET
    QML_FOREIGN(XDSendResult)
    QML_VALUE_TYPE(xdSendResult)
};

struct XDQmlListenerInfo
{
    Q_GADGET
    QML_FOREIGN(XDListenerInfo)
    QML_VALUE_TYPE(xdListenerInfo)
};
