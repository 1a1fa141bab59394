// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdlistener.h>

#include <QtQml/QQmlParserStatus>
#include <QtQml/qqmlregistration.h>

/*
    Listener in QML: an XDListener whose channels, assigned while the component is
    being created, are registered once it is complete, so that the transport set in the
    same component is the one they are registered on.
*/
class XDQmlListener : public XDListener, public QQmlParserStatus
{
    Q_OBJECT
    Q_INTERFACES(QQmlParserStatus)
    QML_NAMED_ELEMENT(Listener)
    Q_PROPERTY(QStringList channels READ channels WRITE setQmlChannels NOTIFY channelsChanged)
public:
    explicit XDQmlListener(QObject *parent = nullptr);

    void setQmlChannels(const QStringList &channels);

    void classBegin() override;
    void componentComplete() override;

private:
    bool m_creating = false;
    QStringList m_channelsWhileCreating;
};
