// SPDX-License-Identifier: MIT
#include "transports/x11/x11display_p.h"

#include "codec/x11registry_p.h"
#include "core/logging_p.h"

#include <algorithm>
#include <cstdlib>
#include <iterator>
#include <memory>
#include <vector>

namespace XDMessagingPrivate {

namespace {

template<typename T>
using Reply = std::unique_ptr<T, decltype(&std::free)>;

template<typename T>
Reply<T> reply(T *raw)
{
    return Reply<T>(raw, &std::free);
}

constexpr const char *AtomNames[] = {"_XDMESSAGING_REGISTRY",    "_XDMESSAGING_LISTENER", "_XDMESSAGING_INBOX",
                                     "_XDMESSAGING_ACKNOWLEDGE", "_XDMESSAGING_LEAVING",  "UTF8_STRING"};
constexpr int AtomCount = int(std::size(AtomNames));
// ChangeProperty's fixed part, and some room to spare.
constexpr qsizetype ChangePropertyOverhead = 64;

} // namespace

std::unique_ptr<X11Display> X11Display::open(QString *error)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY")) {
        *error = QStringLiteral("the native transport needs an X display, and DISPLAY is not set "
                                "(a Wayland session or a console: use the localsocket transport)");
        return {};
    }
    xcb_connection_t *connection = xcb_connect(nullptr, nullptr);
    if (xcb_connection_has_error(connection)) {
        xcb_disconnect(connection);
        *error = QStringLiteral("the native transport cannot connect to the X display %1")
                         .arg(qEnvironmentVariable("DISPLAY"));
        return {};
    }
    std::unique_ptr<X11Display> display(new X11Display(connection, true));
    if (!display->initialize(error))
        return {};
    return display;
}

std::unique_ptr<X11Display> X11Display::openWatchingRegistry(QString *error)
{
    std::unique_ptr<X11Display> display = open(error);
    if (!display)
        return {};
    const uint32_t rootEvents = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(display->m_connection, display->m_root, XCB_CW_EVENT_MASK, &rootEvents);
    return display;
}

std::unique_ptr<X11Display> X11Display::borrow(xcb_connection_t *connection, QString *error)
{
    std::unique_ptr<X11Display> display(new X11Display(connection, false));
    if (!display->initialize(error))
        return {};
    return display;
}

X11Display::X11Display(xcb_connection_t *connection, bool owned) : m_connection(connection), m_owned(owned) {}

X11Display::~X11Display()
{
    if (m_owned)
        xcb_disconnect(m_connection);
}

bool X11Display::initialize(QString *error)
{
    const xcb_setup_t *setup = xcb_get_setup(m_connection);
    const xcb_screen_iterator_t screens = xcb_setup_roots_iterator(setup);
    if (!screens.rem) {
        *error = QStringLiteral("the X display has no screen");
        return false;
    }
    m_root = screens.data->root;
    xcb_intern_atom_cookie_t cookies[AtomCount];
    for (int i = 0; i < AtomCount; ++i)
        cookies[i] = xcb_intern_atom(m_connection, 0, uint16_t(qstrlen(AtomNames[i])), AtomNames[i]);
    xcb_atom_t *atoms[AtomCount] = {&m_registry, &m_listener, &m_inbox, &m_acknowledge, &m_leaving, &m_utf8};
    for (int i = 0; i < AtomCount; ++i) {
        const auto interned = reply(xcb_intern_atom_reply(m_connection, cookies[i], nullptr));
        if (!interned) {
            *error = QStringLiteral("the X server refused to intern atoms");
            return false;
        }
        *atoms[i] = interned->atom;
    }
    m_maximumChunk = qsizetype(xcb_get_maximum_request_length(m_connection)) * 4 - ChangePropertyOverhead;
    return true;
}

QByteArray X11Display::readProperty(xcb_window_t window, xcb_atom_t property, bool remove, bool *exists, int *format)
{
    const xcb_get_property_cookie_t cookie =
            xcb_get_property(m_connection, remove, window, property, XCB_GET_PROPERTY_TYPE_ANY, 0, UINT32_MAX / 4);
    ++m_roundTrips;
    xcb_generic_error_t *rawError = nullptr;
    const auto value = reply(xcb_get_property_reply(m_connection, cookie, &rawError));
    std::free(rawError); // BadWindow: a listener that is gone, an expected case
    *exists = value && value->type != XCB_NONE;
    if (!*exists)
        return {};
    if (format)
        *format = value->format;
    return QByteArray(static_cast<const char *>(xcb_get_property_value(value.get())),
                      xcb_get_property_value_length(value.get()));
}

QList<quint32> X11Display::readRegistry(bool *valid)
{
    bool exists = false;
    int format = 0;
    const QByteArray bytes = readProperty(m_root, m_registry, false, &exists, &format);
    QList<quint32> windows;
    QString error;
    const bool decoded = !exists || decodeX11Registry(bytes, format, &windows, &error);
    if (!decoded)
        qCWarning(lcXDX11, "ignoring an invalid listener registry: %ls", qUtf16Printable(error));
    if (valid)
        *valid = decoded;
    return windows;
}

// No server grab: a client stopped while holding one would freeze the whole display.
// Adding is one append, which the server does atomically. A registry some other client
// spoiled (another format, which an append would not match) is replaced instead.
void X11Display::addToRegistry(xcb_window_t window)
{
    bool valid = true;
    readRegistry(&valid);
    xcb_change_property(m_connection, valid ? XCB_PROP_MODE_APPEND : XCB_PROP_MODE_REPLACE, m_root, m_registry,
                        XCB_ATOM_WINDOW, 32, 1, &window);
    xcb_flush(m_connection);
}

// Read, filter, write back: a listener that appends itself in between is written over,
// sees the change and appends itself again (X11Listener::keepRegistered()); senders
// keep a listener they know while its window lives.
void X11Display::removeFromRegistry(const QList<quint32> &windows)
{
    QList<quint32> kept = readRegistry();
    kept.removeIf([&windows](quint32 window) { return windows.contains(window); });
    xcb_change_property(m_connection, XCB_PROP_MODE_REPLACE, m_root, m_registry, XCB_ATOM_WINDOW, 32,
                        uint32_t(kept.size()), kept.constData());
    xcb_flush(m_connection);
}

QList<std::optional<QByteArray>> X11Display::readProperties(const QList<quint32> &windows, xcb_atom_t property)
{
    std::vector<xcb_get_property_cookie_t> cookies;
    cookies.reserve(size_t(windows.size()));
    for (const quint32 window : windows)
        cookies.push_back(
                xcb_get_property(m_connection, 0, window, property, XCB_GET_PROPERTY_TYPE_ANY, 0, UINT32_MAX / 4));
    ++m_roundTrips; // all requests out, then all replies: one round trip
    QList<std::optional<QByteArray>> values;
    values.reserve(windows.size());
    for (const xcb_get_property_cookie_t &cookie : cookies) {
        xcb_generic_error_t *rawError = nullptr;
        const auto value = reply(xcb_get_property_reply(m_connection, cookie, &rawError));
        std::free(rawError); // BadWindow: a listener that is gone
        if (!value || value->type == XCB_NONE)
            values.append(std::nullopt);
        else
            values.append(QByteArray(static_cast<const char *>(xcb_get_property_value(value.get())),
                                     xcb_get_property_value_length(value.get())));
    }
    return values;
}

QList<X11Display::ListenerWindow> X11Display::readListenerWindows(const QList<quint32> &also)
{
    QList<quint32> windows = readRegistry();
    for (const quint32 window : also) {
        if (!windows.contains(window))
            windows.append(window);
    }
    const QList<std::optional<QByteArray>> manifests = readProperties(windows, m_listener);
    QList<ListenerWindow> listeners;
    QList<quint32> dead;
    for (qsizetype i = 0; i < windows.size(); ++i) {
        const quint32 window = windows.at(i);
        if (!manifests.at(i)) {
            dead.append(window);
            continue;
        }
        ListenerWindow listener {window, {}};
        QString error;
        if (!decodeManifest(*manifests.at(i), &listener.manifest, &error)) {
            qCWarning(lcXDX11, "ignoring listener window 0x%x: %ls", window, qUtf16Printable(error));
            continue;
        }
        // Hear about its window going away. Manifest changes are announced on the registry
        // (touchRegistry()); property events of the window itself would arrive for every
        // message appended to its inbox.
        const uint32_t events = XCB_EVENT_MASK_STRUCTURE_NOTIFY;
        xcb_change_window_attributes(m_connection, window, XCB_CW_EVENT_MASK, &events);
        listeners.append(listener);
    }
    if (!dead.isEmpty()) {
        qCDebug(lcXDX11, "removing %lld dead listener windows from the registry", qlonglong(dead.size()));
        removeFromRegistry(dead);
    }
    sync();
    return listeners;
}

void X11Display::touchRegistry()
{
    xcb_change_property(m_connection, XCB_PROP_MODE_APPEND, m_root, m_registry, XCB_ATOM_WINDOW, 32, 0, nullptr);
    xcb_flush(m_connection);
}

namespace {

// Sends a ClientMessage of type to window, in 32-bit items. eventMask 0: to the client
// that created the window; else to every client selecting those events on it.
void sendClientMessage(xcb_connection_t *connection, xcb_window_t window, xcb_atom_t type, uint32_t eventMask,
                       std::initializer_list<uint32_t> items)
{
    xcb_client_message_event_t event {};
    event.response_type = XCB_CLIENT_MESSAGE;
    event.format = 32;
    event.window = window;
    event.type = type;
    std::copy(items.begin(), items.end(), event.data.data32);
    xcb_send_event(connection, 0, window, eventMask, reinterpret_cast<const char *>(&event));
}

// event as a ClientMessage of type to window, in 32-bit items; null when it is not.
const xcb_client_message_event_t *clientMessage(const xcb_generic_event_t *event, xcb_atom_t type, xcb_window_t window)
{
    if ((event->response_type & ~0x80) != XCB_CLIENT_MESSAGE)
        return nullptr;
    const auto *message = reinterpret_cast<const xcb_client_message_event_t *>(event);
    if (message->type != type || message->window != window || message->format != 32)
        return nullptr;
    return message;
}

} // namespace

void X11Display::sendAcknowledgement(xcb_window_t senderWindow, xcb_window_t listenerWindow, quint64 count)
{
    sendClientMessage(m_connection, senderWindow, m_acknowledge, 0,
                      {listenerWindow, quint32(count), quint32(count >> 32)});
}

bool X11Display::parseAcknowledgement(const xcb_generic_event_t *event, xcb_window_t senderWindow,
                                      xcb_window_t *listenerWindow, quint64 *count) const
{
    const xcb_client_message_event_t *message = clientMessage(event, m_acknowledge, senderWindow);
    if (!message)
        return false;
    *listenerWindow = message->data.data32[0];
    *count = message->data.data32[1] | (quint64(message->data.data32[2]) << 32);
    return true;
}

void X11Display::announceLeaving(xcb_window_t listenerWindow)
{
    // To every client that watches the root window's properties, which presence
    // watchers do; others ignore a message type they do not know.
    sendClientMessage(m_connection, m_root, m_leaving, XCB_EVENT_MASK_PROPERTY_CHANGE, {listenerWindow});
}

bool X11Display::parseLeaving(const xcb_generic_event_t *event, xcb_window_t *listenerWindow) const
{
    const xcb_client_message_event_t *message = clientMessage(event, m_leaving, m_root);
    if (!message)
        return false;
    *listenerWindow = message->data.data32[0];
    return true;
}

void X11Display::sync()
{
    ++m_roundTrips;
    std::free(xcb_get_input_focus_reply(m_connection, xcb_get_input_focus(m_connection), nullptr));
}

} // namespace XDMessagingPrivate
