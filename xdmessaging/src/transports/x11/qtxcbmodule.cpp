// SPDX-License-Identifier: MIT
// The only code that links Qt GUI: built as the module xdmessaging-qtxcb.so, which the
// library loads in GUI applications only (see qtxcbconnection_p.h).
#include "transports/x11/qtxcbconnection_p.h"

#include <QtGui/QGuiApplication>

extern "C" Q_DECL_EXPORT xcb_connection_t *xdmessaging_qt_xcb_connection()
{
    if (!qGuiApp || QGuiApplication::platformName() != u"xcb")
        return nullptr;
    auto *x11 = qGuiApp->nativeInterface<QNativeInterface::QX11Application>();
    return x11 ? x11->connection() : nullptr;
}
