// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

#include <cstring>

namespace XDMessagingPrivate {

// What an errno value means, for the error strings every layer hands on.
inline QString systemErrorString(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

} // namespace XDMessagingPrivate
