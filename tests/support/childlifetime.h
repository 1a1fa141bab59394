// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QProcess>

#include <functional>

// Makes the process that \a process starts die with the process that starts it: when
// the test (or the benchmark driver) is killed, crashes or times out, the kernel sends
// SIGKILL to the child (PR_SET_PDEATHSIG), so no Xvfb, redis-server or peer is left
// behind holding ctest's output pipe open. \a alsoInChild, if given, runs in the child
// afterwards (it must be async-signal-safe, like any child process modifier).
//
// The "parent" the kernel watches is the thread that starts the process: start it from
// the main thread, or from a thread that outlives it.
void endWithThisProcess(QProcess &process, std::function<void()> alsoInChild = {});
