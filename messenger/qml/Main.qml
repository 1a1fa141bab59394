// SPDX-License-Identifier: MIT
// The Messenger's chat, in QML: the same channels (Status, UserMessage) and the same JSON
// messages as the Widgets Messenger, so the two, and xdmsg, talk to each other.
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import XDMessaging

ApplicationWindow {
    id: window

    required property string instanceName
    property QtObject typedLines: null // lines of --stdin, sent as if typed

    readonly property color statusColor: "#2e7d32"
    readonly property color userMessageColor: "#1565c0"
    readonly property color errorColor: "#c62828"

    width: 520
    height: 360
    visible: true
    title: qsTr("XDMessaging QML Messenger: %1").arg(nameField.text)

    Listener {
        id: listener
        name: nameField.text
        channels: {
            const listened = []
            if (statusBox.checked)
                listened.push("Status")
            if (userMessageBox.checked)
                listened.push("UserMessage")
            return listened
        }
        onMessageReceived: (message) => window.show(message)
        onErrorOccurred: (error, errorString) => window.append(window.errorColor, qsTr("error"), errorString)
    }

    Broadcaster {
        id: broadcaster
    }

    // A Messenger message is a JSON object with a kind and a sender; anything else is
    // shown as plain text from the program that sent it.
    function show(message) {
        const chat = message.payloadType === XDMessage.Json ? message.json : null
        const kinds = ["text", "joined", "left", "subscribed", "unsubscribed"]
        const color = message.channel === "Status" ? statusColor : userMessageColor
        if (chat && typeof chat.from === "string" && chat.from !== "" && kinds.includes(chat.kind)) {
            append(color, chat.from.substring(0, 64), describe(chat))
            return
        }
        append(color, message.senderName + " (" + message.senderPid + ")", message.text)
    }

    function describe(chat) {
        switch (chat.kind) {
        case "joined": return qsTr("joined")
        case "left": return qsTr("left")
        case "subscribed": return qsTr("now listens to %1").arg(chat.channel)
        case "unsubscribed": return qsTr("stopped listening to %1").arg(chat.channel)
        }
        return chat.text === undefined ? "" : String(chat.text)
    }

    function append(color, from, text) {
        log.model.append({ time: new Date().toLocaleTimeString(Qt.locale("C"), "HH:mm:ss"),
                           lineColor: String(color), from: from, text: text })
        log.positionViewAtEnd()
    }

    function announce(kind, channel) {
        const chat = { kind: kind, from: nameField.text }
        if (channel !== undefined)
            chat.channel = channel
        const result = broadcaster.send("Status", chat)
        if (!result.ok)
            append(errorColor, qsTr("error"), result.errorString)
    }

    function sendText(text) {
        if (text.trim() === "")
            return
        const result = broadcaster.send("UserMessage", { kind: "text", from: nameField.text, text: text })
        if (!result.ok)
            append(errorColor, qsTr("error"), result.errorString)
    }

    Component.onCompleted: announce("joined")
    onClosing: {
        announce("left")
        broadcaster.flush()
    }

    Connections {
        target: window.typedLines
        function onLineRead(line) { window.sendText(line) }
    }

    header: ToolBar {
        Label {
            anchors.verticalCenter: parent.verticalCenter
            leftPadding: 8
            text: qsTr("QML Messenger")
            font.bold: true
        }
    }

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 8

        RowLayout {
            Label { text: qsTr("Name:") }
            TextField {
                id: nameField
                text: window.instanceName
                Layout.fillWidth: true
            }
            CheckBox {
                id: statusBox
                text: "Status"
                checked: true
                onToggled: window.announce(checked ? "subscribed" : "unsubscribed", "Status")
            }
            CheckBox {
                id: userMessageBox
                text: "UserMessage"
                checked: true
                onToggled: window.announce(checked ? "subscribed" : "unsubscribed", "UserMessage")
            }
        }

        Frame {
            Layout.fillWidth: true
            Layout.fillHeight: true
            padding: 4

            ListView {
                id: log
                anchors.fill: parent
                clip: true
                model: ListModel {}
                delegate: Text {
                    width: log.width
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText // markup in a message is shown, never rendered
                    color: lineColor
                    text: "[" + time + "] " + from + ": " + model.text
                }
            }
        }

        RowLayout {
            TextField {
                id: messageField
                focus: true
                placeholderText: qsTr("Type a message and press Enter")
                Layout.fillWidth: true
                onAccepted: send.clicked()
            }
            Button {
                id: send
                text: qsTr("Send")
                onClicked: {
                    window.sendText(messageField.text)
                    messageField.clear()
                }
            }
        }

        Label {
            text: qsTr("Listening on %1 through %2").arg(listener.channels.join(", ") || qsTr("nothing"))
                                                   .arg(["Auto", "NativeWindow", "LocalSocket", "Network"][listener.transport])
            font.pointSize: 8
            opacity: 0.7
        }
    }
}
