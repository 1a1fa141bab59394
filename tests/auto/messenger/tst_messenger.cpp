// SPDX-License-Identifier: MIT
// The Messenger window, under an Xvfb this test starts itself.
#include "messengerwindow.h"
#include "peerprocess.h"
#include "xvfbserver.h"

#include <XDMessaging/xdnetworksettings.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTranslator>
#include <QtCore/QXmlStreamReader>
#include <QtGui/QTextBlock>
#include <QtGui/QTextDocument>
#include <QtTest/QtTest>
#include <QtWidgets/QApplication>

#include <csignal>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>

namespace {

const QColor Blue(0x15, 0x65, 0xc0);
const QColor Green(0x2e, 0x7d, 0x32);

QStringList logLines(MessengerWindow &window)
{
    return window.findChild<QPlainTextEdit *>(QStringLiteral("log"))->toPlainText().split(QLatin1Char('\n'));
}

// The color of the log line containing text, or an invalid color.
QColor colorOfLine(MessengerWindow &window, const QString &text)
{
    const QTextDocument *document = window.findChild<QPlainTextEdit *>(QStringLiteral("log"))->document();
    for (QTextBlock block = document->begin(); block.isValid(); block = block.next()) {
        if (block.text().contains(text))
            return block.begin().fragment().charFormat().foreground().color();
    }
    return {};
}

} // namespace

class tst_Messenger : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void checkboxesChangeTheListenersChannels();
    void messageFromAnotherProcessIsShownLiterally();
    void enterAndSendButtonSendEmptyLineDoesNot();
    void logStaysBounded();
    void translationsReplaceEnglish_data();
    void translationsReplaceEnglish();
    void translationsAreComplete_data();
    void translationsAreComplete();
    void twoMessengerProcessesTalkBothWays();
    void textTypedIntoANewWindowIsSent();
    void onlineListFollowsAnotherMessengerProcess();
    void propagateCheckboxOnlyWithARedisUrl();

private:
    std::unique_ptr<MessengerWindow> newWindow(const QString &name);
    std::unique_ptr<QTemporaryDir> m_runtimeDir;
};

void tst_Messenger::init()
{
    m_runtimeDir = std::make_unique<QTemporaryDir>();
    qputenv("XDMESSAGING_RUNTIME_DIR", QFile::encodeName(m_runtimeDir->path()));
}

void tst_Messenger::cleanup()
{
    m_runtimeDir.reset();
}

std::unique_ptr<MessengerWindow> tst_Messenger::newWindow(const QString &name)
{
    MessengerOptions options;
    options.name = name;
    options.transport = XDTransport::LocalSocket;
    auto window = std::make_unique<MessengerWindow>(options);
    window->show();
    return window;
}

void tst_Messenger::checkboxesChangeTheListenersChannels()
{
    const auto window = newWindow(QStringLiteral("Toggler"));
    const QStringList both = {MessengerWindow::StatusChannel, MessengerWindow::UserMessageChannel};
    QCOMPARE(window->subscribedChannels(), both);
    auto *status = window->findChild<QCheckBox *>(QStringLiteral("statusCheckBox"));
    auto *userMessage = window->findChild<QCheckBox *>(QStringLiteral("userMessageCheckBox"));
    status->click();
    QCOMPARE(window->subscribedChannels(), QStringList {MessengerWindow::UserMessageChannel});
    userMessage->click();
    QCOMPARE(window->subscribedChannels(), QStringList());
    status->click();
    userMessage->click();
    QCOMPARE(window->subscribedChannels(), both);
    // The toggles were announced on Status, which this window hears again.
    QTRY_VERIFY_WITH_TIMEOUT(
            logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("Toggler: now listens to UserMessage")),
            5000);
}

void tst_Messenger::messageFromAnotherProcessIsShownLiterally()
{
    const auto window = newWindow(QStringLiteral("Reader"));
    const QString markup = QStringLiteral("<b>bold</b> & <i>not italic</i>");
    PeerProcess send(QStringLiteral(XDMSG_PATH), m_runtimeDir->path(),
                     {QStringLiteral("send"), MessengerWindow::UserMessageChannel, markup});
    PeerProcess status(QStringLiteral(XDMSG_PATH), m_runtimeDir->path(),
                       {QStringLiteral("send"), MessengerWindow::StatusChannel, QStringLiteral("service restarted")});
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(markup), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("service restarted")),
                             10000);
    QCOMPARE(colorOfLine(*window, markup), Blue);
    QCOMPARE(colorOfLine(*window, QStringLiteral("service restarted")), Green);
    QCOMPARE(colorOfLine(*window, QStringLiteral("Reader: joined")), Green);
    // The sender is named: the program and its pid.
    QVERIFY(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("xdmsg (")));
}

void tst_Messenger::enterAndSendButtonSendEmptyLineDoesNot()
{
    const auto window = newWindow(QStringLiteral("Typist"));
    auto *edit = window->findChild<QLineEdit *>(QStringLiteral("messageEdit"));
    auto *button = window->findChild<QPushButton *>(QStringLiteral("sendButton"));
    const auto ownMessages = [&] {
        return logLines(*window).filter(QStringLiteral("] Typist: ")).filter(QStringLiteral("line ")).size();
    };
    edit->setText(QStringLiteral("line one"));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_COMPARE_WITH_TIMEOUT(ownMessages(), 1, 5000);
    QVERIFY(edit->text().isEmpty());
    edit->setText(QStringLiteral("line two"));
    button->click();
    QTRY_COMPARE_WITH_TIMEOUT(ownMessages(), 2, 5000);
    const int linesBefore = int(logLines(*window).size());
    edit->setText(QStringLiteral("   "));
    button->click();
    QTest::keyClick(edit, Qt::Key_Return);
    edit->clear();
    button->click();
    // A marker from another process: everything sent before it would have arrived first.
    PeerProcess marker(QStringLiteral(XDMSG_PATH), m_runtimeDir->path(),
                       {QStringLiteral("send"), MessengerWindow::UserMessageChannel, QStringLiteral("marker")});
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).last().contains(QStringLiteral("marker")), 10000);
    QCOMPARE(int(logLines(*window).size()), linesBefore + 1);
}

void tst_Messenger::logStaysBounded()
{
    const auto window = newWindow(QStringLiteral("Chatty"));
    constexpr int Count = MessengerWindow::MaximumLogLines + 200;
    QByteArray input;
    for (int i = 0; i < Count; ++i)
        input += "spam " + QByteArray::number(i) + '\n';
    PeerProcess sender(QStringLiteral(XDMSG_PATH), m_runtimeDir->path(),
                       {QStringLiteral("send"), QStringLiteral("--stdin"), MessengerWindow::UserMessageChannel});
    sender.process().write(input);
    sender.process().closeWriteChannel();
    const QString last = QStringLiteral("spam %1").arg(Count - 1);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).last().endsWith(last), 20000);
    QCOMPARE(int(logLines(*window).size()), int(MessengerWindow::MaximumLogLines));
}

void tst_Messenger::translationsReplaceEnglish_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QString>("send");
    QTest::addColumn<QString>("joined");
    QTest::newRow("de") << QStringLiteral("de") << QStringLiteral("Senden") << QStringLiteral("ist beigetreten");
    QTest::newRow("fr") << QStringLiteral("fr") << QStringLiteral("Envoyer") << QStringLiteral("est arrivé");
}

void tst_Messenger::translationsReplaceEnglish()
{
    QFETCH(QString, language);
    QFETCH(QString, send);
    QFETCH(QString, joined);
    QTranslator translator;
    QVERIFY(translator.load(QLocale(language), QStringLiteral("messenger"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")));
    QVERIFY(QCoreApplication::installTranslator(&translator));
    const auto window = newWindow(QStringLiteral("Polyglot"));
    QCOMPARE(window->findChild<QPushButton *>(QStringLiteral("sendButton"))->text(), send);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("Polyglot: ") + joined),
                             5000);
    QCoreApplication::removeTranslator(&translator);
    const auto english = newWindow(QStringLiteral("Anglophone"));
    QCOMPARE(english->findChild<QPushButton *>(QStringLiteral("sendButton"))->text(), QStringLiteral("Send"));
}

// Every string of the sources has a finished translation: lupdate merges the sources
// into a copy of each .ts file, and any string it adds or leaves unfinished fails.
void tst_Messenger::translationsAreComplete_data()
{
    QTest::addColumn<QStringList>("sources");
    QTest::addColumn<QString>("translations");
    const QString messenger = QStringLiteral(SOURCE_DIR "/messenger/");
    const QStringList widgets = {messenger + QStringLiteral("main.cpp"), messenger + QStringLiteral("chatmessage.cpp"),
                                 messenger + QStringLiteral("messengeroptions.cpp"),
                                 messenger + QStringLiteral("messengerwindow.cpp")};
    const QStringList qml = {messenger + QStringLiteral("qml/Main.qml")};
    for (const char *language : {"de", "fr"}) {
        QTest::addRow("messenger %s", language)
                << widgets << QStringLiteral(SOURCE_DIR "/translations/messenger_%1.ts").arg(QLatin1String(language));
        QTest::addRow("qml-messenger %s", language)
                << qml << QStringLiteral(SOURCE_DIR "/translations/qml-messenger_%1.ts").arg(QLatin1String(language));
    }
}

void tst_Messenger::translationsAreComplete()
{
    QFETCH(QStringList, sources);
    QFETCH(QString, translations);
    QTemporaryDir work;
    const QString merged = work.filePath(QFileInfo(translations).fileName());
    QVERIFY(QFile::copy(translations, merged));
    QVERIFY(QFile::setPermissions(merged, QFile::ReadOwner | QFile::WriteOwner));
    QProcess lupdate;
    lupdate.start(QStringLiteral(LUPDATE_PATH),
                  QStringList {QStringLiteral("-no-obsolete"), QStringLiteral("-locations"), QStringLiteral("none")}
                          + sources + QStringList {QStringLiteral("-ts"), merged});
    QVERIFY(lupdate.waitForFinished(60000));
    QVERIFY2(lupdate.exitCode() == 0, lupdate.readAllStandardError().constData());

    QFile file(merged);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    QString source;
    QStringList missing;
    int messages = 0;
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == u"source") {
            source = xml.readElementText();
            ++messages;
        } else if (xml.name() == u"translation") {
            const bool unfinished = xml.attributes().value(QStringLiteral("type")) == u"unfinished";
            // Plural forms are <numerusform> children; their text is all there is.
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (unfinished || text.trimmed().isEmpty())
                missing.append(source);
        }
    }
    QVERIFY2(!xml.hasError(), qPrintable(xml.errorString()));
    QVERIFY(messages > 0);
    QVERIFY2(missing.isEmpty(), qPrintable(QStringLiteral("not translated: ") + missing.join(QStringLiteral(" | "))));
}

void tst_Messenger::twoMessengerProcessesTalkBothWays()
{
    QProcessEnvironment display;
    display.insert(QStringLiteral("DISPLAY"), qEnvironmentVariable("DISPLAY"));
    display.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    const auto start = [&](const QString &name) {
        return std::make_unique<PeerProcess>(QStringLiteral(MESSENGER_PATH), m_runtimeDir->path(),
                                             QStringList {QStringLiteral("--instance"), name, QStringLiteral("--echo"),
                                                          QStringLiteral("--stdin"), QStringLiteral("--lang"),
                                                          QStringLiteral("en")},
                                             display);
    };
    auto alice = start(QStringLiteral("Alice"));
    QTRY_VERIFY_WITH_TIMEOUT(!alice->lineContaining(QStringLiteral("Alice: joined")).isEmpty(), 20000);
    auto bob = start(QStringLiteral("Bob"));
    QTRY_VERIFY_WITH_TIMEOUT(!alice->lineContaining(QStringLiteral("Bob: joined")).isEmpty(), 20000);

    alice->process().write("hello from Alice\n");
    QTRY_VERIFY_WITH_TIMEOUT(!bob->lineContaining(QStringLiteral("Alice: hello from Alice")).isEmpty(), 20000);
    bob->process().write("hello from Bob\n");
    QTRY_VERIFY_WITH_TIMEOUT(!alice->lineContaining(QStringLiteral("Bob: hello from Bob")).isEmpty(), 20000);
    QVERIFY(alice->lineContaining(QStringLiteral("Bob: hello from Bob"))
                    .startsWith(MessengerWindow::UserMessageChannel));
    QVERIFY(bob->lineContaining(QStringLiteral("Alice: hello from Alice"))
                    .startsWith(MessengerWindow::UserMessageChannel));
}

// The message line has the focus from the start: typing and Enter send, the name stays.
void tst_Messenger::textTypedIntoANewWindowIsSent()
{
    const auto window = newWindow(QStringLiteral("Hasty"));
    QVERIFY(QTest::qWaitForWindowExposed(window.get()));
    QWidget *focused = window->focusWidget();
    QVERIFY(focused);
    QCOMPARE(focused->objectName(), QStringLiteral("messageEdit"));
    QTest::keyClicks(focused, QStringLiteral("typed at once"));
    QTest::keyClick(focused, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("Hasty: typed at once")),
                             5000);
    QCOMPARE(window->instanceName(), QStringLiteral("Hasty"));
    // The status bar says how the window listens and whom the message reached: itself.
    const QString status = window->findChild<QLabel *>(QStringLiteral("statusLine"))->text();
    QVERIFY2(status.contains(QStringLiteral("localsocket")), qPrintable(status));
    QVERIFY2(status.contains(QStringLiteral("reached 1 listener")), qPrintable(status));
}

// Another Messenger process shows in the Online list by its name, and is dropped from
// it within 2 s of being killed.
void tst_Messenger::onlineListFollowsAnotherMessengerProcess()
{
    const auto window = newWindow(QStringLiteral("Watcher"));
    auto *online = window->findChild<QListWidget *>(QStringLiteral("onlineList"));
    QCOMPARE(online->count(), 0); // this window is not listed
    QProcessEnvironment display;
    display.insert(QStringLiteral("DISPLAY"), qEnvironmentVariable("DISPLAY"));
    display.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("xcb"));
    PeerProcess other(QStringLiteral(MESSENGER_PATH), m_runtimeDir->path(),
                      {QStringLiteral("--instance"), QStringLiteral("Visitor"), QStringLiteral("--transport"),
                       QStringLiteral("localsocket"), QStringLiteral("--lang"), QStringLiteral("en")},
                      display);
    QTRY_COMPARE_WITH_TIMEOUT(online->count(), 1, 20000);
    QCOMPARE(online->item(0)->text(), QStringLiteral("Visitor"));
    QVERIFY(online->item(0)->toolTip().contains(QString::number(other.pid())));
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(other.pid()), SIGKILL);
    QTRY_COMPARE_WITH_TIMEOUT(online->count(), 0, 2000);
    qInfo("dropped from the Online list %lld ms after SIGKILL", timer.elapsed());
}

// "Propagate to network" appears when a Redis URL is configured; a propagation that
// fails (nothing listens at that address) is shown, and the local chat goes on.
void tst_Messenger::propagateCheckboxOnlyWithARedisUrl()
{
    if (!XDNetworkSettings::isBuiltIn())
        QSKIP("this build has no network transport");
    qunsetenv("XDMESSAGING_REDIS_URL");
    {
        const auto window = newWindow(QStringLiteral("Islander"));
        QVERIFY(!window->findChild<QCheckBox *>(QStringLiteral("propagateCheckBox")));
        auto *transports = window->findChild<QComboBox *>(QStringLiteral("transportCombo"));
        QVERIFY(transports->findData(QVariant::fromValue(XDTransport::Network)) >= 0);
    }
    qputenv("XDMESSAGING_REDIS_URL", "redis://127.0.0.1:1");
    const auto window = newWindow(QStringLiteral("Networker"));
    qunsetenv("XDMESSAGING_REDIS_URL");
    auto *propagate = window->findChild<QCheckBox *>(QStringLiteral("propagateCheckBox"));
    QVERIFY(propagate);
    QVERIFY(!propagate->isChecked());
    propagate->click();
    auto *edit = window->findChild<QLineEdit *>(QStringLiteral("messageEdit"));
    edit->setText(QStringLiteral("anyone out there?"));
    QTest::keyClick(edit, Qt::Key_Return);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("not propagated")),
                             5000);
    QTRY_VERIFY_WITH_TIMEOUT(logLines(*window).join(QLatin1Char('\n')).contains(QStringLiteral("anyone out there?")),
                             5000);
}

int main(int argc, char *argv[])
{
    // A display of the test's own, before QApplication connects to one.
    XvfbServer xvfb;
    if (!xvfb.start()) {
        std::fprintf(stderr, "tst_messenger: %s\n", qPrintable(xvfb.errorString()));
        return 1;
    }
    qputenv("DISPLAY", xvfb.display().toLocal8Bit());
    qputenv("QT_QPA_PLATFORM", "xcb");
    qunsetenv("XDMESSAGING_TRANSPORT");
    QApplication app(argc, argv);
    tst_Messenger test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_messenger.moc"
