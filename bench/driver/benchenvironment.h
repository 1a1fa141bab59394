// SPDX-License-Identifier: MIT
#pragma once

// What the driver sets up once for a whole run, and tears down: a scratch directory for
// sockets, a private runtime directory, an Xvfb when no display is given, a private
// dbus-daemon and a private redis-server. Peers get all of it through their environment.

#include "redisserver.h"
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

    QTemporaryDir m_workDir;
    XvfbServer m_xvfb;
    QProcess m_dbus;
    RedisServer m_redis;
    QProcessEnvironment m_environment;
    QString m_displayProblem;
    QString m_dbusProblem;
    QString m_redisProblem;
};
