// SPDX-License-Identifier: MIT
#pragma once

#include "chatmessage.h"
#include "messengeroptions.h"

#include <QtWidgets/QMainWindow>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class XDBroadcaster;
class XDListener;
class XDMessage;
class XDPresence;

// The Messenger window: a log of the traffic on the channels it listens to, a line to
// send on UserMessage, the choice of channels and transport, and who is online: the
// other windows (and any listener) that would get a message sent now, from presence.
class MessengerWindow : public QMainWindow
{
    Q_OBJECT
public:
    static const QString StatusChannel;
    static const QString UserMessageChannel;
    static constexpr int MaximumLogLines = 1000;

    explicit MessengerWindow(const MessengerOptions &options, QWidget *parent = nullptr);
    ~MessengerWindow() override;

    QString instanceName() const;
    // The channels the window's listener is registered on right now.
    QStringList subscribedChannels() const;

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildUi();
    void startTransport(XDTransport transport);
    void sendTypedMessage();
    void sendText(const QString &text);
    void showOnline();
    void showStatusLine();
    void setChannelListened(const QString &channel, bool listen);
    void announce(ChatMessage::Kind kind, const QString &channel = QString());
    void showMessage(const XDMessage &message);
    void showError(const QString &text);
    void appendLine(const QColor &color, const QString &sender, const QString &text);
    void openNewWindow();
    void readStandardInput();
    QString describe(const ChatMessage &chat) const;

    MessengerOptions m_options;
    QLineEdit *m_nameEdit = nullptr;
    QComboBox *m_transportCombo = nullptr;
    QCheckBox *m_statusBox = nullptr;
    QCheckBox *m_userMessageBox = nullptr;
    QCheckBox *m_propagateBox = nullptr; // only when a Redis URL is configured
    QPlainTextEdit *m_log = nullptr;
    QLineEdit *m_messageEdit = nullptr;
    QPushButton *m_sendButton = nullptr;
    QListWidget *m_onlineList = nullptr;
    QLabel *m_statusLine = nullptr;
    std::unique_ptr<XDListener> m_listener;
    std::unique_ptr<XDBroadcaster> m_broadcaster;
    std::unique_ptr<XDPresence> m_presence; // of UserMessage: who a message reaches
    int m_lastReached = -1; // listeners the last message reached; -1 before the first
    bool m_announcedLeave = false;
    QByteArray m_pendingInput; // an unfinished line from standard input
};
