// SPDX-License-Identifier: MIT
#include "benchenvironment.h"

#include "childlifetime.h"
#include "peers.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QStandardPaths>
#include <QtCore/QSysInfo>
#include <QtCore/QThread>

#include <XDMessaging/xdnetworksettings.h>

#include <sys/stat.h>

namespace {

QString cpuModel()
{
    QFile cpuinfo(QStringLiteral("/proc/cpuinfo"));
    if (!cpuinfo.open(QIODevice::ReadOnly))
        return {};
    for (const QByteArray &line : cpuinfo.readAll().split('\n')) {
        if (line.startsWith("model name"))
            return QString::fromUtf8(line.mid(line.indexOf(':') + 1).trimmed());
    }
    return {};
}

} // namespace

BenchEnvironment::BenchEnvironment() : m_environment(QProcessEnvironment::systemEnvironment())
{
    m_environment.remove(QStringLiteral("XDMESSAGING_TRANSPORT"));
    m_environment.remove(QStringLiteral("XDMESSAGING_REDIS_URL"));
    m_environment.remove(QStringLiteral("XDMESSAGING_REDIS_NAMESPACE"));
}

BenchEnvironment::~BenchEnvironment()
{
    if (m_dbus.state() != QProcess::NotRunning) {
        m_dbus.kill(); // our own dbus-daemon, by its PID
        m_dbus.waitForFinished(5000);
    }
}

QString BenchEnvironment::runtimeDir() const
{
    return m_workDir.filePath(QStringLiteral("runtime"));
}

void BenchEnvironment::start()
{
    // The library refuses a runtime directory others can enter.
    QDir().mkpath(runtimeDir());
    ::chmod(QFile::encodeName(runtimeDir()).constData(), 0700);
    m_environment.insert(QStringLiteral("XDMESSAGING_RUNTIME_DIR"), runtimeDir());
    startDisplay();
    startDBus();
    startRedis();
}

void BenchEnvironment::startDisplay()
{
    if (!qEnvironmentVariableIsEmpty("DISPLAY"))
        return;
    if (!XvfbServer::isAvailable()) {
        m_displayProblem = QStringLiteral("no display and no Xvfb installed");
        return;
    }
    if (!m_xvfb.start()) {
        m_displayProblem = QStringLiteral("Xvfb did not start: %1").arg(m_xvfb.errorString());
        return;
    }
    m_environment.insert(QStringLiteral("DISPLAY"), m_xvfb.display());
}

void BenchEnvironment::startDBus()
{
    const QString program = QStandardPaths::findExecutable(QStringLiteral("dbus-daemon"));
    if (program.isEmpty()) {
        m_dbusProblem = QStringLiteral("dbus-daemon is not installed");
        return;
    }
    endWithThisProcess(m_dbus);
    m_dbus.start(program, {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--print-address=1"),
                           QStringLiteral("--address=unix:dir=") + m_workDir.path()});
    if (!m_dbus.waitForReadyRead(10000) || !m_dbus.canReadLine()) {
        m_dbusProblem =
                QStringLiteral("dbus-daemon did not start: %1").arg(QString::fromUtf8(m_dbus.readAllStandardError()));
        return;
    }
    m_environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), QString::fromUtf8(m_dbus.readLine().trimmed()));
}

void BenchEnvironment::startRedis()
{
    if (!XDNetworkSettings::isBuiltIn()) {
        m_redisProblem = QStringLiteral("this XDMessaging is built without the network transport");
        return;
    }
    if (QStandardPaths::findExecutable(QStringLiteral("redis-server")).isEmpty()) {
        m_redisProblem = QStringLiteral("redis-server is not installed");
        return;
    }
    if (!m_redis.start())
        m_redisProblem = QStringLiteral("redis-server did not start: %1").arg(m_redis.errorString());
}

void BenchEnvironment::prepareFor(const QString &system)
{
    // Not built in: the peers say so themselves.
    if (system == QLatin1String("iceoryx-pubsub") && !m_rouDiStarted && isPeerSystemBuiltIn(system))
        startRouDi();
}

void BenchEnvironment::startRouDi()
{
    m_rouDiStarted = true;
    if (!m_rouDi.start(m_workDir.path()))
        m_rouDiProblem = m_rouDi.errorString();
}

QProcessEnvironment BenchEnvironment::peerEnvironment(const QString &system) const
{
    QProcessEnvironment environment = m_environment;
    if (system == QLatin1String("xdmessaging-network") && m_redis.isRunning())
        environment.insert(QStringLiteral("XDMESSAGING_REDIS_URL"), m_redis.url());
    return environment;
}

QString BenchEnvironment::unavailableReason(const QString &system) const
{
    const bool needsDisplay =
            system == QLatin1String("xdmessaging-native") || system == QLatin1String("raw-xcb-property");
    if (needsDisplay && !m_displayProblem.isEmpty())
        return m_displayProblem;
    if (system == QLatin1String("qtdbus"))
        return m_dbusProblem;
    if (system == QLatin1String("xdmessaging-network"))
        return m_redisProblem;
    if (system == QLatin1String("iceoryx-pubsub"))
        return m_rouDiProblem;
    return {};
}

QJsonObject BenchEnvironment::machine() const
{
    return {{QStringLiteral("cpu"), cpuModel()},
            {QStringLiteral("cores"), QThread::idealThreadCount()},
            {QStringLiteral("kernel"), QString(QSysInfo::kernelType() + QLatin1Char(' ') + QSysInfo::kernelVersion())},
            {QStringLiteral("os"), QSysInfo::prettyProductName()},
            {QStringLiteral("qt"), QString::fromLatin1(qVersion())},
            {QStringLiteral("display"), m_environment.value(QStringLiteral("DISPLAY"))},
            {QStringLiteral("date"), QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}};
}
