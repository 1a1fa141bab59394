// SPDX-License-Identifier: MIT
#pragma once

// oneshot-send: what a shell script pays for one message. One listener (xdmsg listen,
// or dbus-monitor for qtdbus) and, one after another, whole sending processes
// (xdmsg send CHANNEL TEXT, or dbus-send --session --type=signal), each timed from
// spawn to exit, with its peak memory.

#include "caseresult.h"
#include "scenarios.h"

class BenchEnvironment;

CaseResult runOneShot(const Scenario &scenario, const QString &system, const BenchEnvironment &environment,
                      const QString &channel, qint64 count);
