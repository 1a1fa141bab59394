// SPDX-License-Identifier: MIT
// Load: 4 sender processes x 250,000 messages to 8 listener processes, on every
// transport there is: with an X server (an Xvfb of the test's own), two listeners are
// native-window only, two local-socket only and four in Auto; the senders are in Auto.
// Under AddressSanitizer, which makes every process many times slower, each sender sends
// 50,000: the test then takes about a fifth of its time limit on a busy two-core machine,
// as the full load does in the ordinary build.
#include "peerprocess.h"
#include "reliabilityreport.h"
#include "xvfbserver.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QUuid>
#include <QtTest/QtTest>

class tst_Stress : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fourSendersEightListeners();
};

void tst_Stress::fourSendersEightListeners()
{
    constexpr int Senders = 4;
    constexpr int Listeners = 8;
#if defined(__SANITIZE_ADDRESS__)
    constexpr qint64 PerSender = 50000;
#else
    constexpr qint64 PerSender = 250000;
#endif
    // A sender may queue up to its queue limit (64 MiB) per listener; this is that bound
    // plus the process's own footprint.
    constexpr qint64 SenderRssBoundKiB = (Listeners * 64 + 128) * 1024;
    constexpr qint64 ListenerRssBoundKiB = 256 * 1024;

    QTemporaryDir runtimeDir;
    QVERIFY(runtimeDir.isValid());
    XvfbServer xvfb;
    const bool withX11 = XvfbServer::isAvailable() && xvfb.start();
    QProcessEnvironment display;
    if (withX11)
        display.insert(QStringLiteral("DISPLAY"), xvfb.display());
    const QStringList listenerTransports =
            withX11 ? QStringList {QStringLiteral("native"),      QStringLiteral("native"),
                                   QStringLiteral("localsocket"), QStringLiteral("localsocket"),
                                   QStringLiteral("auto"),        QStringLiteral("auto"),
                                   QStringLiteral("auto"),        QStringLiteral("auto")}
                    : QStringList(Listeners, QStringLiteral("localsocket"));
    const QString channel = QStringLiteral("stress-") + QUuid::createUuid().toString(QUuid::Id128);
    const QString program = QStringLiteral(TESTPEER_PATH);
    std::vector<std::unique_ptr<PeerProcess>> listeners;
    for (const QString &transport : listenerTransports) {
        QProcessEnvironment environment = display;
        environment.insert(QStringLiteral("XDMESSAGING_TRANSPORT"), transport);
        listeners.push_back(std::make_unique<PeerProcess>(
                program, runtimeDir.path(),
                QStringList {QStringLiteral("count"), channel, QString::number(Senders), QString::number(PerSender)},
                environment));
        QVERIFY(listeners.back()->waitForReady());
    }
    QElapsedTimer elapsed;
    elapsed.start();
    std::vector<std::unique_ptr<PeerProcess>> senders;
    for (int i = 0; i < Senders; ++i) {
        senders.push_back(std::make_unique<PeerProcess>(
                program, runtimeDir.path(),
                QStringList {QStringLiteral("send"), channel, QString::number(PerSender), QStringLiteral("s%1").arg(i)},
                display));
    }
    qint64 worstSenderRss = 0;
    for (const auto &sender : senders) {
        QVERIFY(sender->waitForFinished(240000));
        const QStringList sent = sender->lastLine().split(QLatin1Char(' '));
        QCOMPARE(sent.size(), 4);
        QCOMPARE(sent.at(1).toLongLong(), PerSender * Listeners); // every delivery accepted
        QCOMPARE(sent.at(2).toInt(), 0);
        worstSenderRss = qMax(worstSenderRss, sent.at(3).toLongLong());
    }
    qint64 worstListenerRss = 0;
    for (const auto &listener : listeners) {
        QVERIFY(listener->waitForFinished(240000));
        const QStringList done = listener->lineStartingWith(QStringLiteral("DONE ")).split(QLatin1Char(' '));
        QCOMPARE(done.size(), 5);
        QCOMPARE(done.at(1).toLongLong(), Senders * PerSender); // nothing lost
        QCOMPARE(done.at(2).toLongLong(), 0); // nothing duplicated
        QCOMPARE(done.at(3).toLongLong(), 0); // per-sender order kept
        worstListenerRss = qMax(worstListenerRss, done.at(4).toLongLong());
    }
    const qint64 ms = elapsed.elapsed();
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer's quarantine and shadow memory make resident sizes meaningless;
    // the bounds are checked by the ordinary build.
    Q_UNUSED(SenderRssBoundKiB)
    Q_UNUSED(ListenerRssBoundKiB)
#else
    QVERIFY2(worstSenderRss < SenderRssBoundKiB, qPrintable(QString::number(worstSenderRss)));
    QVERIFY2(worstListenerRss < ListenerRssBoundKiB, qPrintable(QString::number(worstListenerRss)));
#endif
    reportReliability(
            QStringLiteral("load"),
            QStringLiteral("4 sender processes (Auto) x %1 messages to 8 listener processes (%2), %3 deliveries")
                    .arg(QLocale(QLocale::English).toString(PerSender))
                    .arg(withX11 ? QStringLiteral("2 native window, 2 local socket, 4 Auto")
                                 : QStringLiteral("local socket; no X server"))
                    .arg(QLocale(QLocale::English).toString(PerSender * Senders * Listeners)),
            QStringLiteral("0 lost, 0 duplicated, order kept; peak RSS sender %1 MiB, listener %2 MiB; %3 s")
                    .arg(worstSenderRss / 1024)
                    .arg(worstListenerRss / 1024)
                    .arg(ms / 1000.0, 0, 'f', 1));
}

QTEST_GUILESS_MAIN(tst_Stress)
#include "tst_stress.moc"
