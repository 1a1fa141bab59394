// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <xcb/xcb.h>

namespace XDMessagingPrivate {

// Qt's own xcb connection, when this is a Qt GUI application on xcb and the caller runs
// in its GUI thread; else null (*why says why, when there is a reason to tell).
//
// The library itself does not link Qt GUI: a console program (xdmsg among them) should
// not load Qt GUI, its platform dependencies and OpenGL just to send a message. A GUI
// application has Qt GUI loaded already, and asks it through a small module,
// xdmessaging/xdmessaging-qtxcb.so beside the library, loaded the first time.
xcb_connection_t *qtXcbConnection(QString *why);

} // namespace XDMessagingPrivate

// The module's one entry point (linked in directly when the library is static).
extern "C" xcb_connection_t *xdmessaging_qt_xcb_connection();
