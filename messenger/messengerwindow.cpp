// SPDX-License-Identifier: MIT
#include "messengerwindow.h"

#include <XDMessaging/xdmessaging.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QJsonDocument>
#include <QtCore/QProcess>
#include <QtCore/QSocketNotifier>
#include <QtCore/QTimer>
#include <QtCore/QUrl>
#include <QtGui/QCloseEvent>
#include <QtGui/QKeySequence>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QVBoxLayout>

#include <cstdio>
#include <unistd.h>

// The icon lives in a static library: its resources must be pulled in by name.
static void initMessengerResources()
{
    Q_INIT_RESOURCE(messenger);
}

const QString MessengerWindow::StatusChannel = QStringLiteral("Status");
const QString MessengerWindow::UserMessageChannel = QStringLiteral("UserMessage");

namespace {

const QColor StatusColor(0x2e, 0x7d, 0x32); // green
const QColor UserMessageColor(0x15, 0x65, 0xc0); // blue
const QColor ErrorColor(0xc6, 0x28, 0x28); // red
constexpr int SayIntervalMs = 300;

} // namespace

MessengerWindow::MessengerWindow(const MessengerOptions &options, QWidget *parent)
    : QMainWindow(parent), m_options(options)
{
    initMessengerResources();
    buildUi();
    startTransport(options.transport);
    announce(ChatMessage::Kind::Joined);
    for (int i = 0; i < options.say.size(); ++i) {
        const QString text = options.say.at(i);
        QTimer::singleShot(SayIntervalMs * (i + 1), this, [this, text] { sendText(text); });
    }
    if (options.quitAfterMs >= 0)
        QTimer::singleShot(options.quitAfterMs, this, &QWidget::close);
    if (options.readStdin) {
        auto *input = new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this);
        connect(input, &QSocketNotifier::activated, this, &MessengerWindow::readStandardInput);
    }
}

void MessengerWindow::readStandardInput()
{
    char chunk[4096];
    const ssize_t received = ::read(STDIN_FILENO, chunk, sizeof chunk);
    if (received <= 0) {
        if (auto *notifier = qobject_cast<QSocketNotifier *>(sender()))
            notifier->setEnabled(false); // end of input: the window stays
        return;
    }
    m_pendingInput.append(chunk, received);
    qsizetype newline;
    while ((newline = m_pendingInput.indexOf('\n')) >= 0) {
        const QString line = QString::fromUtf8(m_pendingInput.first(newline));
        m_pendingInput.remove(0, newline + 1);
        if (!line.trimmed().isEmpty())
            sendText(line);
    }
}

MessengerWindow::~MessengerWindow() = default;

void MessengerWindow::buildUi()
{
    setWindowIcon(QIcon(QStringLiteral(":/icons/messenger.svg")));
    auto *fileMenu = menuBar()->addMenu(tr("&File"));
    QAction *newWindow = fileMenu->addAction(tr("&New window"), this, &MessengerWindow::openNewWindow);
    newWindow->setShortcut(QKeySequence::New);
    newWindow->setObjectName(QStringLiteral("newWindowAction"));
    fileMenu->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *identity = new QHBoxLayout;
    m_nameEdit = new QLineEdit(m_options.name.isEmpty() ? tr("Messenger %1").arg(QCoreApplication::applicationPid())
                                                        : m_options.name);
    m_nameEdit->setObjectName(QStringLiteral("nameEdit"));
    m_transportCombo = new QComboBox;
    m_transportCombo->setObjectName(QStringLiteral("transportCombo"));
    m_transportCombo->addItem(tr("Auto"), QVariant::fromValue(XDTransport::Auto));
    m_transportCombo->addItem(tr("Native window"), QVariant::fromValue(XDTransport::NativeWindow));
    m_transportCombo->addItem(tr("Local socket"), QVariant::fromValue(XDTransport::LocalSocket));
    if (XDNetworkSettings::isBuiltIn())
        m_transportCombo->addItem(tr("Network (Redis)"), QVariant::fromValue(XDTransport::Network));
    m_transportCombo->setCurrentIndex(m_transportCombo->findData(QVariant::fromValue(m_options.transport)));
    identity->addWidget(new QLabel(tr("Name:")));
    identity->addWidget(m_nameEdit, 1);
    identity->addWidget(new QLabel(tr("Transport:")));
    identity->addWidget(m_transportCombo);
    layout->addLayout(identity);

    auto *channels = new QHBoxLayout;
    m_statusBox = new QCheckBox(tr("Status"));
    m_statusBox->setObjectName(QStringLiteral("statusCheckBox"));
    m_userMessageBox = new QCheckBox(tr("UserMessage"));
    m_userMessageBox->setObjectName(QStringLiteral("userMessageCheckBox"));
    m_statusBox->setChecked(true);
    m_userMessageBox->setChecked(true);
    channels->addWidget(new QLabel(tr("Listen to:")));
    channels->addWidget(m_statusBox);
    channels->addWidget(m_userMessageBox);
    channels->addStretch(1);
    if (XDNetworkSettings::isBuiltIn() && XDNetworkSettings::isConfigured()) {
        m_propagateBox = new QCheckBox(tr("Propagate to network"));
        m_propagateBox->setObjectName(QStringLiteral("propagateCheckBox"));
        m_propagateBox->setToolTip(
                tr("Also send through Redis at %1 to other machines")
                        .arg(QUrl(XDNetworkSettings::redisUrl()).toDisplayString(QUrl::RemovePassword)));
        channels->addWidget(m_propagateBox);
        connect(m_propagateBox, &QCheckBox::toggled, this,
                [this](bool on) { m_broadcaster->setPropagateToNetwork(on); });
    }
    layout->addLayout(channels);

    auto *traffic = new QHBoxLayout;
    m_log = new QPlainTextEdit;
    m_log->setObjectName(QStringLiteral("log"));
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(MaximumLogLines); // long sessions stay responsive
    traffic->addWidget(m_log, 3);
    auto *online = new QVBoxLayout;
    online->addWidget(new QLabel(tr("Online:")));
    m_onlineList = new QListWidget;
    m_onlineList->setObjectName(QStringLiteral("onlineList"));
    m_onlineList->setToolTip(tr("The other listeners of UserMessage: who gets what you send"));
    m_onlineList->setFocusPolicy(Qt::NoFocus);
    online->addWidget(m_onlineList, 1);
    traffic->addLayout(online, 1);
    layout->addLayout(traffic, 1);

    auto *compose = new QHBoxLayout;
    m_messageEdit = new QLineEdit;
    m_messageEdit->setObjectName(QStringLiteral("messageEdit"));
    m_messageEdit->setPlaceholderText(tr("Type a message and press Enter"));
    m_sendButton = new QPushButton(tr("Send"));
    m_sendButton->setObjectName(QStringLiteral("sendButton"));
    compose->addWidget(m_messageEdit, 1);
    compose->addWidget(m_sendButton);
    layout->addLayout(compose);
    setCentralWidget(central);
    m_statusLine = new QLabel;
    m_statusLine->setObjectName(QStringLiteral("statusLine"));
    statusBar()->addWidget(m_statusLine, 1);
    // What is typed into a new window is a message, not a new name.
    m_messageEdit->setFocus();

    connect(m_messageEdit, &QLineEdit::returnPressed, this, &MessengerWindow::sendTypedMessage);
    connect(m_sendButton, &QPushButton::clicked, this, &MessengerWindow::sendTypedMessage);
    connect(m_statusBox, &QCheckBox::toggled, this, [this](bool on) { setChannelListened(StatusChannel, on); });
    connect(m_userMessageBox, &QCheckBox::toggled, this,
            [this](bool on) { setChannelListened(UserMessageChannel, on); });
    connect(m_transportCombo, &QComboBox::currentIndexChanged, this,
            [this] { startTransport(m_transportCombo->currentData().value<XDTransport>()); });
    connect(m_nameEdit, &QLineEdit::textChanged, this, [this] {
        setWindowTitle(tr("Messenger: %1").arg(instanceName()));
        m_listener->setName(instanceName()); // how the other windows list this one
    });
    setWindowTitle(tr("Messenger: %1").arg(instanceName()));
    resize(560, 380);
    if (m_options.hasPosition)
        move(m_options.position);
}

QString MessengerWindow::instanceName() const
{
    return m_nameEdit->text().trimmed();
}

QStringList MessengerWindow::subscribedChannels() const
{
    return m_listener ? m_listener->channels() : QStringList();
}

// A new transport means a new listener and broadcaster; the ticked channels carry over.
void MessengerWindow::startTransport(XDTransport transport)
{
    m_listener = std::make_unique<XDListener>(transport);
    m_listener->setName(instanceName());
    m_broadcaster = std::make_unique<XDBroadcaster>(transport);
    m_presence = std::make_unique<XDPresence>(UserMessageChannel, transport);
    connect(m_presence.get(), &XDPresence::listenersChanged, this, &MessengerWindow::showOnline);
    if (m_presence->error() != XDError::NoError)
        showError(m_presence->errorString());
    connect(m_listener.get(), &XDListener::messageReceived, this, &MessengerWindow::showMessage);
    connect(m_listener.get(), &XDListener::errorOccurred, this,
            [this](XDError, const QString &text) { showError(text); });
    connect(m_broadcaster.get(), &XDBroadcaster::deliveryFailed, this,
            [this](const QString &listener, int count, const QString &reason) {
                showError(tr("%n message(s) not delivered to %1: %2", nullptr, count).arg(listener, reason));
            });
    connect(m_broadcaster.get(), &XDBroadcaster::networkStateChanged, this,
            [this](XDNetworkState state, const QString &text) {
                if (state == XDNetworkState::Disconnected)
                    showError(tr("network unreachable, messages wait for it: %1").arg(text));
            });
    if (m_propagateBox)
        m_broadcaster->setPropagateToNetwork(m_propagateBox->isChecked());
    const QList<QPair<QCheckBox *, QString>> boxes = {{m_statusBox, StatusChannel},
                                                      {m_userMessageBox, UserMessageChannel}};
    for (const auto &[box, channel] : boxes) {
        if (box->isChecked() && !m_listener->registerChannel(channel))
            break; // errorOccurred has shown why
    }
    showOnline();
    showStatusLine();
}

void MessengerWindow::showOnline()
{
    m_onlineList->clear();
    const QList<XDListenerInfo> listeners = m_presence->listeners();
    for (const XDListenerInfo &listener : listeners) {
        if (listener.id() == m_listener->id())
            continue; // this window
        QStringList transports;
        for (const XDTransport transport : listener.transports())
            transports.append(xdTransportName(transport));
        auto *item = new QListWidgetItem(listener.name(), m_onlineList);
        item->setToolTip(
                tr("process %1, reachable by %2").arg(listener.pid()).arg(transports.join(QStringLiteral(", "))));
    }
}

void MessengerWindow::showStatusLine()
{
    QStringList transports;
    const QList<XDTransport> active = m_listener->activeTransports();
    for (const XDTransport transport : active)
        transports.append(xdTransportName(transport));
    const QString transportText =
            transports.isEmpty() ? tr("not listening") : tr("Transport: %1").arg(transports.join(QStringLiteral(", ")));
    m_statusLine->setText(
            m_lastReached < 0
                    ? transportText
                    : tr("%1 · last message reached %n listener(s)", nullptr, m_lastReached).arg(transportText));
}

void MessengerWindow::sendTypedMessage()
{
    const QString text = m_messageEdit->text();
    if (text.trimmed().isEmpty())
        return;
    sendText(text);
    m_messageEdit->clear();
}

void MessengerWindow::sendText(const QString &text)
{
    ChatMessage chat;
    chat.from = instanceName();
    chat.text = text;
    const XDSendResult result = m_broadcaster->sendToChannel(UserMessageChannel, chat.toJson());
    if (!result)
        showError(result.errorString());
    m_lastReached = result.listenersReached();
    showStatusLine();
}

void MessengerWindow::setChannelListened(const QString &channel, bool listen)
{
    const bool changed = listen ? m_listener->registerChannel(channel) : m_listener->unregisterChannel(channel);
    showStatusLine();
    if (changed)
        announce(listen ? ChatMessage::Kind::Subscribed : ChatMessage::Kind::Unsubscribed, channel);
}

void MessengerWindow::announce(ChatMessage::Kind kind, const QString &channel)
{
    ChatMessage chat;
    chat.kind = kind;
    chat.from = instanceName();
    chat.channel = channel;
    const XDSendResult result = m_broadcaster->sendToChannel(StatusChannel, chat.toJson());
    if (!result)
        showError(result.errorString());
}

QString MessengerWindow::describe(const ChatMessage &chat) const
{
    switch (chat.kind) {
    case ChatMessage::Kind::Joined:
        return tr("joined");
    case ChatMessage::Kind::Left:
        return tr("left");
    case ChatMessage::Kind::Subscribed:
        return tr("now listens to %1").arg(chat.channel);
    case ChatMessage::Kind::Unsubscribed:
        return tr("stopped listening to %1").arg(chat.channel);
    case ChatMessage::Kind::Text:
        break;
    }
    return chat.text;
}

void MessengerWindow::showMessage(const XDMessage &message)
{
    const ChatMessage chat = ChatMessage::fromMessage(message);
    const QColor color = message.channel() == StatusChannel ? StatusColor : UserMessageColor;
    appendLine(color, chat.from, describe(chat));
}

void MessengerWindow::showError(const QString &text)
{
    appendLine(ErrorColor, tr("error"), text);
}

// Text goes in as plain text: markup in a message is shown, never rendered.
void MessengerWindow::appendLine(const QColor &color, const QString &sender, const QString &text)
{
    const QString line =
            QStringLiteral("[%1] %2: %3").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), sender, text);
    QTextCharFormat format;
    format.setForeground(color);
    QTextCursor cursor(m_log->document());
    cursor.movePosition(QTextCursor::End);
    if (!m_log->document()->isEmpty())
        cursor.insertBlock();
    cursor.insertText(line, format);
    m_log->ensureCursorVisible();
    if (m_options.echo) {
        std::printf("%s %s\n",
                    qPrintable(color == StatusColor        ? StatusChannel
                               : color == UserMessageColor ? UserMessageChannel
                                                           : QStringLiteral("error")),
                    qPrintable(line));
        std::fflush(stdout);
    }
}

void MessengerWindow::openNewWindow()
{
    QStringList arguments = {QStringLiteral("--transport"),
                             xdTransportName(m_transportCombo->currentData().value<XDTransport>())};
    if (!m_options.language.isEmpty())
        arguments << QStringLiteral("--lang") << m_options.language;
    if (!QProcess::startDetached(QCoreApplication::applicationFilePath(), arguments))
        showError(tr("cannot start a new window"));
}

void MessengerWindow::closeEvent(QCloseEvent *event)
{
    if (!m_announcedLeave) {
        m_announcedLeave = true;
        announce(ChatMessage::Kind::Left);
        m_broadcaster->flush();
    }
    event->accept();
}
