// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QObject>
#include <QtCore/QSocketNotifier>

#include <memory>

// Lines of standard input as signals, for scripted demos (--stdin).
class StdinLines : public QObject
{
    Q_OBJECT
public:
    void start();

Q_SIGNALS:
    void lineRead(const QString &line);

private:
    void readAvailable();
    std::unique_ptr<QSocketNotifier> m_notifier;
    QByteArray m_pending;
};
