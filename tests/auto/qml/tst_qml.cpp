// SPDX-License-Identifier: MIT
// The QML module under Qt Quick Test: tst_*.qml beside this file, on the offscreen
// platform, with a runtime directory of the test's own. QmlTestHelper is what the QML
// side cannot do itself: send from C++, run xdmsg, ask who listens.
#include <XDMessaging/xdbroadcaster.h>

#include "childlifetime.h"

#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUuid>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>
#include <QtQuickTest/quicktest.h>

class QmlTestHelper : public QObject
{
    Q_OBJECT
public:
    Q_INVOKABLE QString uniqueChannel() const
    {
        return QStringLiteral("qml-") + QUuid::createUuid().toString(QUuid::Id128);
    }
    Q_INVOKABLE qint64 pid() const { return QCoreApplication::applicationPid(); }

    Q_INVOKABLE bool sendFromCpp(const QString &channel, const QString &text)
    {
        return XDBroadcaster(XDTransport::LocalSocket).sendToChannel(channel, text).listenersReached() == 1;
    }
    Q_INVOKABLE bool sendJsonFromCpp(const QString &channel, const QString &json)
    {
        return XDBroadcaster(XDTransport::LocalSocket)
                       .sendToChannel(channel, QJsonDocument::fromJson(json.toUtf8()))
                       .listenersReached()
               == 1;
    }

    // Runs xdmsg with arguments; its exit code, or -1 when it did not finish in time.
    Q_INVOKABLE int runXdmsg(const QStringList &arguments) const
    {
        QProcess xdmsg;
        endWithThisProcess(xdmsg);
        xdmsg.setProcessChannelMode(QProcess::ForwardedChannels);
        xdmsg.start(QStringLiteral(XDMSG_PATH), arguments);
        if (!xdmsg.waitForFinished(30000) || xdmsg.exitStatus() != QProcess::NormalExit)
            return -1;
        return xdmsg.exitCode();
    }

    // How many live listeners senders find on channel.
    Q_INVOKABLE int listenersOf(const QString &channel) const
    {
        int count = 0;
        const QList<XDListenerInfo> listeners = XDBroadcaster(XDTransport::LocalSocket).listeners();
        for (const XDListenerInfo &listener : listeners)
            count += listener.channels().contains(channel) ? 1 : 0;
        return count;
    }
};

class Setup : public QObject
{
    Q_OBJECT
public Q_SLOTS:
    void applicationAvailable()
    {
        QVERIFY(m_runtimeDir.isValid());
        // Children (xdmsg) inherit it: everything meets in this test's own directory.
        qputenv("XDMESSAGING_RUNTIME_DIR", m_runtimeDir.path().toLocal8Bit());
        qunsetenv("XDMESSAGING_TRANSPORT");
    }
    void qmlEngineAvailable(QQmlEngine *engine)
    {
        engine->rootContext()->setContextProperty(QStringLiteral("helper"), &m_helper);
    }

private:
    QTemporaryDir m_runtimeDir;
    QmlTestHelper m_helper;
};

QUICK_TEST_MAIN_WITH_SETUP(tst_qml, Setup)

#include "tst_qml.moc"
