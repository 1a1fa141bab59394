// SPDX-License-Identifier: MIT
#include "qmllistener_p.h"

XDQmlListener::XDQmlListener(QObject *parent) : XDListener(parent) {}

void XDQmlListener::setQmlChannels(const QStringList &channels)
{
    if (m_creating)
        m_channelsWhileCreating = channels;
    else
        setChannels(channels);
}

void XDQmlListener::classBegin()
{
    m_creating = true;
}

void XDQmlListener::componentComplete()
{
    m_creating = false;
    if (!m_channelsWhileCreating.isEmpty())
        setChannels(std::exchange(m_channelsWhileCreating, {}));
}
