// SPDX-License-Identifier: MIT
// The floor of the native-window transport, in plain xcb: the sender appends each
// message to a property of the receiver's window (PropModeAppend), the receiver reads
// and deletes the property on PropertyNotify, draining queued notifications first so
// one read takes everything appended so far. Echoes go to the sender's own window,
// named in the message header. No framing beyond the run's fixed message size.
#include "benchmessage.h"
#include "peers.h"
#include "pingpong.h"
#include "receiveclock.h"

#include <cstdlib>
#include <memory>
#include <poll.h>
#include <vector>
#include <xcb/xcb.h>

namespace {

struct XcbDeleter
{
    void operator()(void *p) const { std::free(p); }
};
template<typename T>
using XcbReply = std::unique_ptr<T, XcbDeleter>;

class XcbPeer
{
public:
    bool open(QString *error);
    ~XcbPeer()
    {
        if (m_connection)
            xcb_disconnect(m_connection);
    }
    xcb_connection_t *connection() const { return m_connection; }
    xcb_window_t window() const { return m_window; }
    xcb_atom_t inbox() const { return m_inbox; }
    // Waits for appends to our window; false when none came within timeoutMs.
    bool waitForInbox(int timeoutMs);
    // Reads and deletes our inbox: everything appended so far.
    QByteArray takeInbox();
    void append(xcb_window_t target, const char *data, int size);
    // A round trip: the server has handled every request sent before it returns.
    bool sync();

private:
    xcb_connection_t *m_connection = nullptr;
    xcb_window_t m_window = 0;
    xcb_atom_t m_inbox = 0;
};

bool XcbPeer::open(QString *error)
{
    m_connection = xcb_connect(nullptr, nullptr);
    if (xcb_connection_has_error(m_connection)) {
        *error = QStringLiteral("cannot connect to the X display \"%1\"").arg(qEnvironmentVariable("DISPLAY"));
        return false;
    }
    xcb_prefetch_maximum_request_length(m_connection); // BIG-REQUESTS, for large messages
    const char name[] = "XDMESSAGING_BENCH_INBOX";
    XcbReply<xcb_intern_atom_reply_t> atom(
            xcb_intern_atom_reply(m_connection, xcb_intern_atom(m_connection, 0, sizeof(name) - 1, name), nullptr));
    xcb_screen_t *screen = xcb_setup_roots_iterator(xcb_get_setup(m_connection)).data;
    if (!atom || !screen) {
        *error = QStringLiteral("the X server did not answer");
        return false;
    }
    m_inbox = atom->atom;
    m_window = xcb_generate_id(m_connection);
    const uint32_t events = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_create_window(m_connection, 0, m_window, screen->root, 0, 0, 1, 1, 0, XCB_WINDOW_CLASS_INPUT_ONLY,
                      screen->root_visual, XCB_CW_EVENT_MASK, &events);
    xcb_flush(m_connection);
    return true;
}

bool XcbPeer::waitForInbox(int timeoutMs)
{
    bool appended = false;
    for (;;) {
        while (xcb_generic_event_t *event = xcb_poll_for_event(m_connection)) {
            const auto *property = reinterpret_cast<xcb_property_notify_event_t *>(event);
            appended |= (event->response_type & 0x7f) == XCB_PROPERTY_NOTIFY && property->atom == m_inbox
                        && property->state == XCB_PROPERTY_NEW_VALUE;
            std::free(event);
        }
        if (appended || xcb_connection_has_error(m_connection))
            return appended;
        pollfd fd {xcb_get_file_descriptor(m_connection), POLLIN, 0};
        if (::poll(&fd, 1, timeoutMs) <= 0)
            return false;
    }
}

QByteArray XcbPeer::takeInbox()
{
    XcbReply<xcb_get_property_reply_t> reply(xcb_get_property_reply(
            m_connection,
            xcb_get_property(m_connection, 1, m_window, m_inbox, XCB_GET_PROPERTY_TYPE_ANY, 0, UINT32_MAX / 4),
            nullptr));
    if (!reply)
        return {};
    return QByteArray(static_cast<const char *>(xcb_get_property_value(reply.get())),
                      xcb_get_property_value_length(reply.get()));
}

void XcbPeer::append(xcb_window_t target, const char *data, int size)
{
    xcb_change_property(m_connection, XCB_PROP_MODE_APPEND, target, m_inbox, XCB_ATOM_STRING, 8, uint32_t(size), data);
}

bool XcbPeer::sync()
{
    return XcbReply<xcb_get_input_focus_reply_t>(
                   xcb_get_input_focus_reply(m_connection, xcb_get_input_focus(m_connection), nullptr))
           != nullptr;
}

} // namespace

int rawXcbReceive(const PeerConfig &config)
{
    XcbPeer peer;
    QString error;
    if (!peer.open(&error))
        return reportUnsupported(error);
    reportLine("ADDRESS " + QByteArray::number(peer.window()));
    reportLine("READY");
    ReceiveTally tally(config.senders, config.messagesPerSender());
    ReceiveClock clock(config);
    int remaining;
    while (!tally.complete() && (remaining = clock.remainingMs()) > 0) {
        if (!peer.waitForInbox(remaining))
            continue;
        const QByteArray inbox = peer.takeInbox();
        for (qsizetype at = 0; at + config.size <= inbox.size(); at += config.size) {
            BenchHeader header;
            tally.record(inbox.constData() + at, config.size, &header);
            if (config.pingPong)
                peer.append(header.replyTo, inbox.constData() + at, config.size);
            clock.messageArrived();
        }
        xcb_flush(peer.connection());
    }
    peer.sync(); // the last echo is handled before this connection closes
    reportLine(tally.resultLine());
    return 0;
}

int rawXcbSend(const PeerConfig &config)
{
    XcbPeer peer;
    QString openError;
    if (!peer.open(&openError))
        return reportUnsupported(openError);
    std::vector<xcb_window_t> targets;
    for (const QString &target : config.targets)
        targets.push_back(xcb_window_t(target.toUInt()));
    SendTally tally;
    tally.begin();
    if (config.pingPong) {
        return runPingPong(
                config, tally,
                [&](const QByteArray &message, QString *error) {
                    peer.append(targets.front(), message.constData(), int(message.size()));
                    xcb_flush(peer.connection());
                    const bool echoed = peer.waitForInbox(10000) && peer.takeInbox().size() >= message.size();
                    if (!echoed)
                        *error = QStringLiteral("no echo within 10 s");
                    return echoed;
                },
                peer.window());
    }
    QByteArray message = makeBenchMessage(config.size);
    for (qint64 i = 0; i < config.count; ++i) {
        const qint64 before = monotonicNs();
        writeBenchHeader(message.data(), {quint64(i), before, quint32(config.senderId), 0});
        for (xcb_window_t target : targets)
            peer.append(target, message.constData(), int(message.size()));
        tally.sendTook(monotonicNs() - before);
        tally.sent();
    }
    if (!peer.sync())
        tally.sendFailed();
    tally.finish();
    return 0;
}
