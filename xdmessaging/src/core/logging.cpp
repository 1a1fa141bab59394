// SPDX-License-Identifier: MIT
#include "core/logging_p.h"

Q_LOGGING_CATEGORY(lcXDCore, "xdmessaging.core", QtWarningMsg)
Q_LOGGING_CATEGORY(lcXDLocalSocket, "xdmessaging.localsocket", QtWarningMsg)
Q_LOGGING_CATEGORY(lcXDX11, "xdmessaging.x11", QtWarningMsg)
Q_LOGGING_CATEGORY(lcXDNetwork, "xdmessaging.network", QtWarningMsg)
