// SPDX-License-Identifier: MIT
#pragma once

#include "caseresult.h"
#include "scenarios.h"

// The memory-bandwidth limit for large messages: copies of scenario.size bytes through
// buffers far larger than the caches, in this process. A transport that copies each
// message twice (sender to kernel, kernel to receiver) can reach about half of it.
CaseResult runMemcpy(const Scenario &scenario, bool quick);
