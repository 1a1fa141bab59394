// SPDX-License-Identifier: MIT
#pragma once

// What the driver sets up once for a whole run, and tears down: a scratch directory for
// sockets, a private runtime directory, an Xvfb when no display is given, a private
// dbus-daemon and a private redis-server. Peers get all of it through their environment.
// A private iceoryx RouDi is started only when an iceoryx-pubsub case is about to run: it
// reserves its shared memory up front, and there can be only one per machine.

#include "redisserver.h"
#include "roudidaemon.h"
#include "xvfbserver.h"

#include <QtCore/QJsonObject>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>

class BenchEnvironment
{
public:
    BenchEnvironment();
    ~BenchEnvironment();
    // Starts what can be started; what cannot is remembered and explains null results.
    void start();
    // Starts what only system needs, the first time it is about to run.
    void prepareFor(const QString &system);

    QString workDir() const { return m_workDir.path(); }
    QString runtimeDir() const;
    // Only xdmessaging-network peers see the Redis URL: a listener in Auto would
    // otherwise listen on Redis too.
    QProcessEnvironment peerEnvironment(const QString &system) const;
    // Why a system cannot run here, or empty.
    QString unavailableReason(const QString &system) const;
    // CPU, cores, kernel, Qt version, display used.
    QJsonObject machine() const;

private:
    void startDisplay();
    void startDBus();
    void startRedis();
    void startRouDi();

    QTemporaryDir m_workDir;
    XvfbServer m_xvfb;
    QProcess m_dbus;
    RedisServer m_redis;
    RouDiDaemon m_rouDi;
    bool m_rouDiStarted = false;
    QProcessEnvironment m_environment;
    QString m_displayProblem;
    QString m_dbusProblem;
    QString m_redisProblem;
    QString m_rouDiProblem;
};
