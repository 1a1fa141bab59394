// SPDX-License-Identifier: MIT
#include "childlifetime.h"

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

void endWithThisProcess(QProcess &process, std::function<void()> alsoInChild)
{
    const pid_t parent = ::getpid();
    process.setChildProcessModifier([parent, alsoInChild = std::move(alsoInChild)] {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // The parent may have died between fork() and prctl(): then nobody will ever
        // send the signal, so end now.
        if (::getppid() != parent)
            ::_exit(127);
        if (alsoInChild)
            alsoInChild();
    });
}
