// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QLoggingCategory>

// Quiet by default (warnings and above); switch on with
// QT_LOGGING_RULES="xdmessaging.*.debug=true".
Q_DECLARE_LOGGING_CATEGORY(lcXDCore)
Q_DECLARE_LOGGING_CATEGORY(lcXDLocalSocket)
Q_DECLARE_LOGGING_CATEGORY(lcXDX11)
Q_DECLARE_LOGGING_CATEGORY(lcXDNetwork)
