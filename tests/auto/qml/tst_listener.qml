// SPDX-License-Identifier: MIT
import QtQuick
import QtTest
import XDMessaging

TestCase {
    id: testCase
    name: "XDMessagingQml"

    readonly property string first: helper.uniqueChannel()
    readonly property string second: helper.uniqueChannel()
    property var received: []

    Listener {
        id: listener
        transport: XD.LocalSocket
        channels: [testCase.first]
        onMessageReceived: (message) => testCase.received.push({
            channel: message.channel, text: message.text, json: message.json, payloadType: message.payloadType,
            senderName: message.senderName, senderPid: message.senderPid,
            size: message.payload.byteLength, transport: message.transport })
    }

    Broadcaster {
        id: broadcaster
        transport: XD.LocalSocket
    }

    Presence {
        id: presence
        transport: XD.LocalSocket
        channel: testCase.second
    }

    SignalSpy { id: joined; target: presence; signalName: "listenerJoined" }
    SignalSpy { id: channelsChanged; target: listener; signalName: "channelsChanged" }
    SignalSpy { id: errorOccurred; target: listener; signalName: "errorOccurred" }

    function init() {
        received = []
        listener.channels = [first]
        channelsChanged.clear()
        errorOccurred.clear()
    }

    function test_enumsAreNamed() {
        compare(XD.Auto, 0)
        compare(XD.NativeWindow, 1)
        compare(XD.LocalSocket, 2)
        compare(XD.Network, 3)
        compare(XD.InvalidChannelName, 1)
        compare(XD.Disconnected, 3)
        compare(listener.transport, XD.LocalSocket)
        compare(listener.networkState, XD.Off)
    }

    function test_channelsAssignedInTheComponentAreRegistered() {
        compare(listener.channels, [first])
        compare(helper.listenersOf(first), 1)
    }

    function test_receivesFromCpp() {
        verify(helper.sendFromCpp(first, "hello from C++"))
        tryVerify(() => received.length === 1)
        compare(received[0].channel, first)
        compare(received[0].text, "hello from C++")
        compare(received[0].senderPid, helper.pid())
        compare(received[0].size, 14)
        compare(received[0].transport, XD.LocalSocket)
    }

    function test_receivesJsonAsAValue() {
        verify(helper.sendJsonFromCpp(first, '{"kind": "text", "n": 3}'))
        tryVerify(() => received.length === 1)
        compare(received[0].json.kind, "text")
        compare(received[0].json.n, 3)
        compare(received[0].payloadType, XDMessage.Json)
    }

    function test_receivesFromXdmsg() {
        compare(helper.runXdmsg(["send", first, "hello from xdmsg"]), 0)
        tryVerify(() => received.length === 1, 10000)
        compare(received[0].text, "hello from xdmsg")
        compare(received[0].senderName, "xdmsg")
    }

    function test_assigningChannelsRegistersAndUnregistersTheDifference() {
        listener.channels = [first, second]
        compare(channelsChanged.count, 1)
        compare(listener.channels, [first, second])
        compare(helper.listenersOf(second), 1)
        listener.channels = [second]
        compare(channelsChanged.count, 2)
        compare(helper.listenersOf(first), 0)
        compare(helper.listenersOf(second), 1)
        verify(helper.sendFromCpp(second, "on second"))
        verify(!helper.sendFromCpp(first, "on first: nobody listens"))
        tryVerify(() => received.length === 1)
        compare(received[0].channel, second)
        listener.channels = [second]
        compare(channelsChanged.count, 2) // nothing changed
    }

    function test_presenceFollowsTheListener() {
        listener.name = "watched"
        compare(presence.count, 0)
        joined.clear()
        listener.channels = [first, second]
        tryCompare(presence, "count", 1)
        compare(joined.count, 1)
        compare(presence.listeners[0].name, "watched")
        compare(presence.listeners[0].pid, helper.pid())
        listener.channels = [first]
        tryCompare(presence, "count", 0)
        listener.name = ""
    }

    function test_badChannelNameShowsInErrorString() {
        listener.channels = [first, "bad\nname"]
        compare(listener.channels, [first])
        verify(listener.errorString.indexOf("cannot register channel") >= 0, listener.errorString)
        compare(listener.error, XD.InvalidChannelName)
        tryCompare(errorOccurred, "count", 1)
        compare(errorOccurred.signalArguments[0][0], XD.InvalidChannelName)
        listener.channels = [first, second]
        compare(listener.errorString, "")
        compare(listener.error, XD.NoError)
    }

    function test_broadcasterSendsTextJsonAndBytes() {
        let result = broadcaster.send(first, "from QML")
        verify(result.ok)
        compare(result.listenersReached, 1)
        compare(result.errorString, "")
        result = broadcaster.send(first, {kind: "joined", from: "QML"})
        verify(result.ok)
        const bytes = new Uint8Array([0, 1, 2, 255]).buffer
        verify(broadcaster.send(first, bytes).ok)
        verify(broadcaster.send(first).ok)
        tryVerify(() => received.length === 4)
        compare(received[0].text, "from QML")
        compare(received[0].payloadType, XDMessage.Text)
        compare(received[1].payloadType, XDMessage.Json)
        compare(received[2].payloadType, XDMessage.Binary)
        compare(received[1].json.kind, "joined")
        compare(received[1].json.from, "QML")
        compare(received[2].size, 4)
        compare(received[3].size, 0)
    }

    function test_broadcasterReportsFailures() {
        const result = broadcaster.send("bad\nname", "x")
        verify(!result.ok)
        compare(result.error, XD.InvalidChannelName)
        verify(result.errorString.indexOf("cannot send to channel") >= 0, result.errorString)
        compare(broadcaster.send(helper.uniqueChannel(), "nobody").listenersReached, 0)
    }
}
