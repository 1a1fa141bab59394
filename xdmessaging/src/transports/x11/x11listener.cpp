// SPDX-License-Identifier: MIT
#include "transports/x11/x11listener_p.h"

#include "codec/x11inbox_p.h"
#include "core/logging_p.h"
#include "transports/x11/x11display_p.h"

#include <QtCore/QPointer>
#include <QtCore/QSocketNotifier>
#include <QtCore/QThread>
#include <QtGui/QGuiApplication>

#include <atomic>
#include <cstdlib>

namespace XDMessagingPrivate {

namespace {

std::atomic<quint64> filterDeliveries {0};

} // namespace

X11Listener::X11Listener(const ListenerManifest &, FrameSink *sink) : m_sink(sink) {}

X11Listener::~X11Listener()
{
    if (m_filterInstalled) {
        // Qt's connection dies with the application: nothing to clean up after that.
        if (!QCoreApplication::instance())
            return;
        QCoreApplication::instance()->removeNativeEventFilter(this);
    }
    if (!m_display || !m_window)
        return;
    acknowledge(); // before the window goes: what was taken is no loss
    if (m_registered)
        m_display->removeFromRegistry({m_window});
    xcb_destroy_window(m_display->connection(), m_window);
    xcb_flush(m_display->connection());
}

quint64 X11Listener::eventFilterDeliveries()
{
    return filterDeliveries.load();
}

bool X11Listener::start(TransportFailure *failure)
{
    // Qt's connection delivers events in the GUI thread only, so a listener living in
    // another thread reads a connection of its own.
    auto *gui = qobject_cast<QGuiApplication *>(QCoreApplication::instance());
    const bool onQtConnection =
            gui && QGuiApplication::platformName() == u"xcb" && QThread::currentThread() == gui->thread();
    if (!(onQtConnection ? useQtConnection(failure) : useOwnConnection(failure)))
        return false;

    xcb_connection_t *connection = m_display->connection();
    m_window = xcb_generate_id(connection);
    const uint32_t events = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_create_window(connection, 0, m_window, m_display->root(), -1, -1, 1, 1, 0, XCB_WINDOW_CLASS_INPUT_ONLY,
                      XCB_COPY_FROM_PARENT, XCB_CW_EVENT_MASK, &events);
    xcb_flush(connection);
    return true;
}

bool X11Listener::useQtConnection(TransportFailure *failure)
{
    auto *x11 = qGuiApp->nativeInterface<QNativeInterface::QX11Application>();
    QString error = QStringLiteral("Qt runs on xcb but offers no X11 connection");
    if (x11)
        m_display = X11Display::borrow(x11->connection(), &error);
    if (!m_display) {
        *failure = {XDError::TransportUnavailable, error};
        return false;
    }
    QCoreApplication::instance()->installNativeEventFilter(this);
    m_filterInstalled = true;
    return true;
}

bool X11Listener::useOwnConnection(TransportFailure *failure)
{
    QString error;
    m_display = X11Display::open(&error);
    if (!m_display) {
        *failure = {XDError::TransportUnavailable, error};
        return false;
    }
    // Hear about registry changes on the root window (Qt's connection already does).
    const uint32_t rootEvents = XCB_EVENT_MASK_PROPERTY_CHANGE;
    xcb_change_window_attributes(m_display->connection(), m_display->root(), XCB_CW_EVENT_MASK, &rootEvents);
    auto *notifier = new QSocketNotifier(xcb_get_file_descriptor(m_display->connection()), QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, this, &X11Listener::readOwnEvents);
    return true;
}

bool X11Listener::publish(const ListenerManifest &manifest, QString *error)
{
    xcb_connection_t *connection = m_display->connection();
    const QByteArray description = encodeManifest(manifest);
    xcb_change_property(connection, XCB_PROP_MODE_REPLACE, m_window, m_display->listenerAtom(), m_display->utf8Atom(),
                        8, uint32_t(description.size()), description.constData());
    if (!m_registered) {
        m_display->addToRegistry(m_window);
        m_registered = true;
    } else {
        m_display->touchRegistry();
    }
    // Senders that look after this returns must find the new channels.
    m_display->sync();
    handleQueuedOwnEvents();
    if (xcb_connection_has_error(connection)) {
        *error = QStringLiteral("the X connection broke");
        return false;
    }
    return true;
}

bool X11Listener::nativeEventFilter(const QByteArray &eventType, void *message, qintptr *)
{
    if (eventType != "xcb_generic_event_t")
        return false;
    const auto *event = static_cast<const xcb_generic_event_t *>(message);
    if (isRegistryChange(event)) {
        keepRegistered();
        return false; // the root window's events are Qt's too
    }
    if (!isOurs(event))
        return false; // Qt's own events pass untouched
    ++filterDeliveries;
    handleEvent(event);
    return true;
}

bool X11Listener::isRegistryChange(const xcb_generic_event_t *event) const
{
    if ((event->response_type & ~0x80) != XCB_PROPERTY_NOTIFY)
        return false;
    const auto *notify = reinterpret_cast<const xcb_property_notify_event_t *>(event);
    return notify->window == m_display->root() && notify->atom == m_display->registryAtom();
}

// Another client may rewrite or wipe the registry; put this window back when it is gone.
void X11Listener::keepRegistered()
{
    if (!m_registered || m_display->readRegistry().contains(m_window))
        return;
    qCDebug(lcXDX11, "listener window 0x%x was missing from the registry; registering again", m_window);
    m_display->addToRegistry(m_window);
}

void X11Listener::readOwnEvents()
{
    while (xcb_generic_event_t *event = xcb_poll_for_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
    if (xcb_connection_has_error(m_display->connection())) {
        sender()->deleteLater();
        m_sink->transportStateChanged(XDTransport::NativeWindow,
                                      {XDError::TransportUnavailable, QStringLiteral("the X connection was lost")});
    }
}

// True for the events this listener consumes: changes of its own inbox.
bool X11Listener::isOurs(const xcb_generic_event_t *event) const
{
    if ((event->response_type & ~0x80) != XCB_PROPERTY_NOTIFY)
        return false;
    const auto *notify = reinterpret_cast<const xcb_property_notify_event_t *>(event);
    return notify->window == m_window && notify->atom == m_display->inboxAtom();
}

void X11Listener::handleEvent(const xcb_generic_event_t *event)
{
    if (isRegistryChange(event))
        keepRegistered();
    if (!isOurs(event))
        return;
    if (reinterpret_cast<const xcb_property_notify_event_t *>(event)->state != XCB_PROPERTY_NEW_VALUE)
        return;
    // Every append notifies; one read-and-delete per event-loop pass takes them all, instead
    // of a round trip per message.
    if (m_readScheduled)
        return;
    m_readScheduled = true;
    QMetaObject::invokeMethod(
            this,
            [this] {
                m_readScheduled = false;
                readInbox();
            },
            Qt::QueuedConnection);
}

void X11Listener::handleQueuedOwnEvents()
{
    if (m_filterInstalled)
        return; // Qt's connection: its event reader takes queued events too
    while (xcb_generic_event_t *event = xcb_poll_for_queued_event(m_display->connection())) {
        handleEvent(event);
        std::free(event);
    }
}

void X11Listener::readInbox()
{
    decodeInbox();
    const QPointer<X11Listener> alive(this);
    m_sink->deliverReceived(FrameSink::Delivery::Now); // a slot may delete this listener
    // After the slots, so that an acknowledgement is no step on the way of their replies.
    if (alive)
        acknowledge();
}

// Each sender hears how many of its frames were taken, whether delivered or dropped.
void X11Listener::acknowledge()
{
    if (m_takenBySender.isEmpty())
        return;
    for (auto it = m_takenBySender.cbegin(); it != m_takenBySender.cend(); ++it)
        m_display->sendAcknowledgement(it.key(), m_window, it.value());
    m_takenBySender.clear();
    xcb_flush(m_display->connection());
    handleQueuedOwnEvents(); // a flush may read events too
}

void X11Listener::decodeInbox()
{
    bool exists = false;
    int format = 0;
    // Read and delete in one request: appends that come later start a new value.
    const QByteArray bytes = m_display->readProperty(m_window, m_display->inboxAtom(), true, &exists, &format);
    handleQueuedOwnEvents();
    if (!exists || bytes.isEmpty())
        return;
    if (format != 8) {
        qCWarning(lcXDX11, "dropping an inbox value of format %d", format);
        return;
    }
    m_stream += bytes;
    m_stream.remove(0, takeFrames(&m_takenBySender));
}

// Hands the whole frames at the start of m_stream to the sink; returns the bytes used.
qsizetype X11Listener::takeFrames(QHash<quint32, quint64> *takenBySender)
{
    const QByteArrayView stream(m_stream);
    qsizetype used = 0;
    for (;;) {
        quint32 senderWindow = 0;
        Frame frame;
        QString error;
        DecodeStatus status = decodeInboxEnvelope(stream.sliced(used), &senderWindow, &error);
        if (status == DecodeStatus::Complete) {
            status = decodeFrame(stream.sliced(used + InboxEnvelopeSize), m_sink->maximumMessageSize(), &frame, &error);
        }
        const qsizetype size = InboxEnvelopeSize + qsizetype(frame.head.frameSize());
        if (status == DecodeStatus::NeedMoreData)
            return used;
        if (status == DecodeStatus::Malformed) {
            // The senders whose frames this held learn of the loss when this window goes.
            qCWarning(lcXDX11, "dropping %lld inbox bytes: %ls", qlonglong(stream.size() - used),
                      qUtf16Printable(error));
            return stream.size();
        }
        if (status == DecodeStatus::Invalid) {
            // Intact framing, unacceptable content: that frame alone goes, once it is all here.
            if (stream.size() - used < size)
                return used;
            qCWarning(lcXDX11, "dropping a message: %ls", qUtf16Printable(error));
        } else {
            m_sink->frameReceived(std::move(frame), XDTransport::NativeWindow);
        }
        used += size;
        ++(*takenBySender)[senderWindow];
    }
}

} // namespace XDMessagingPrivate
