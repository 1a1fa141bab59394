// SPDX-License-Identifier: MIT
#include "receiveclock.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

namespace {
// A sender that has not started after this long is not coming.
constexpr qint64 FirstMessageTimeoutNs = 60'000'000'000;
} // namespace

ReceiveClock::ReceiveClock(const PeerConfig &config)
    : m_startNs(monotonicNs()), m_idleNs(qint64(config.idleMs) * 1000000)
{}

int ReceiveClock::remainingMs() const
{
    const qint64 now = monotonicNs();
    const qint64 end = m_lastNs == 0 ? m_startNs + FirstMessageTimeoutNs : m_lastNs + m_idleNs;
    return end <= now ? 0 : int((end - now + 999999) / 1000000);
}

QtReceiveLoop::QtReceiveLoop(const PeerConfig &config, ReceiveTally &tally) : m_clock(config), m_tally(tally) {}

void QtReceiveLoop::messageArrived()
{
    m_clock.messageArrived();
    if (m_tally.complete())
        QCoreApplication::exit(0);
}

int QtReceiveLoop::exec()
{
    QTimer idle;
    QObject::connect(&idle, &QTimer::timeout, [this, &idle] {
        const int remaining = m_clock.remainingMs();
        if (remaining == 0)
            QCoreApplication::exit(0);
        else
            idle.start(m_clock.nextCheckMs());
    });
    idle.setSingleShot(true);
    idle.start(m_clock.nextCheckMs());
    if (!m_tally.complete())
        QCoreApplication::exec();
    reportLine(m_tally.resultLine());
    return 0;
}
