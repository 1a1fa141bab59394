// SPDX-License-Identifier: MIT
#include "stdinlines.h"

#include <unistd.h>

void StdinLines::start()
{
    m_notifier = std::make_unique<QSocketNotifier>(STDIN_FILENO, QSocketNotifier::Read);
    connect(m_notifier.get(), &QSocketNotifier::activated, this, &StdinLines::readAvailable);
}

void StdinLines::readAvailable()
{
    char buffer[4096];
    const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
    if (n <= 0) { // end of input: nothing more to read
        m_notifier->setEnabled(false);
        return;
    }
    m_pending.append(buffer, n);
    qsizetype newline;
    while ((newline = m_pending.indexOf('\n')) >= 0) {
        Q_EMIT lineRead(QString::fromUtf8(m_pending.first(newline)));
        m_pending.remove(0, newline + 1);
    }
}
