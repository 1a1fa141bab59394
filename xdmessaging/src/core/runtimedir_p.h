// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QString>

namespace XDMessagingPrivate {

// The per-user directory where local listeners publish themselves:
// $XDMESSAGING_RUNTIME_DIR, else $XDG_RUNTIME_DIR/xdmessaging, else /tmp/xdmessaging-<uid>.
QString runtimeDirectoryPath();

// Creates the directory (mode 0700) when missing, and refuses one that is not a real
// directory, belongs to another user, or is open to group or others. Returns false and
// sets *error, naming the path, when the directory cannot be used.
bool ensureRuntimeDirectory(const QString &path, QString *error);

} // namespace XDMessagingPrivate
