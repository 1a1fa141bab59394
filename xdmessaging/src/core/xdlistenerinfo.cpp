// SPDX-License-Identifier: MIT
#include <XDMessaging/xdlistenerinfo.h>

#include "core/listenerinfo_p.h"

#include <QtCore/QDebug>
#include <QtCore/QSharedData>

#include <algorithm>

class XDListenerInfoPrivate : public QSharedData
{
public:
    QUuid id;
    qint64 pid = 0;
    QString name;
    QList<XDTransport> transports;
    QStringList channels;
};

XDListenerInfo::XDListenerInfo() : d(new XDListenerInfoPrivate) {}
XDListenerInfo::XDListenerInfo(const XDListenerInfo &other) = default;
XDListenerInfo::XDListenerInfo(XDListenerInfo &&other) noexcept = default;
XDListenerInfo &XDListenerInfo::operator=(const XDListenerInfo &other) = default;
XDListenerInfo &XDListenerInfo::operator=(XDListenerInfo &&other) noexcept = default;
XDListenerInfo::~XDListenerInfo() = default;

QUuid XDListenerInfo::id() const
{
    return d->id;
}

void XDListenerInfo::setId(const QUuid &id)
{
    d->id = id;
}

qint64 XDListenerInfo::pid() const
{
    return d->pid;
}

void XDListenerInfo::setPid(qint64 pid)
{
    d->pid = pid;
}

QString XDListenerInfo::name() const
{
    return d->name;
}

void XDListenerInfo::setName(const QString &name)
{
    d->name = name;
}

QList<XDTransport> XDListenerInfo::transports() const
{
    return d->transports;
}

void XDListenerInfo::setTransports(const QList<XDTransport> &transports)
{
    d->transports = transports;
}

QStringList XDListenerInfo::channels() const
{
    return d->channels;
}

void XDListenerInfo::setChannels(const QStringList &channels)
{
    d->channels = channels;
}

bool XDListenerInfo::operator==(const XDListenerInfo &other) const
{
    return d == other.d
           || (d->id == other.d->id && d->pid == other.d->pid && d->name == other.d->name
               && d->transports == other.d->transports && d->channels == other.d->channels);
}

QDebug operator<<(QDebug debug, const XDListenerInfo &info)
{
    const QDebugStateSaver saver(debug);
    QStringList transports;
    for (const XDTransport transport : info.transports())
        transports.append(xdTransportName(transport));
    debug.nospace() << "XDListenerInfo(" << info.name() << " (" << info.pid() << "), ";
    debug.noquote() << info.id().toString(QUuid::WithoutBraces)
                    << ", transports: " << transports.join(QLatin1Char(','));
    return debug.quote() << ", channels: " << info.channels() << ')';
}

XDListenerInfo XDMessagingPrivate::listenerInfo(const ListenerRecord &record, XDTransport foundOn)
{
    XDListenerInfo info;
    info.setId(record.id);
    info.setPid(record.pid);
    info.setName(record.name);
    info.setTransports(record.transports.isEmpty() ? QList<XDTransport> {foundOn} : record.transports);
    QStringList channels = record.channels;
    channels.removeIf([](const QString &channel) { return isReplyChannel(channel.toUtf8()); });
    info.setChannels(channels);
    return info;
}

bool XDMessagingPrivate::isReplyInbox(const ListenerRecord &record)
{
    return !record.channels.isEmpty()
           && std::all_of(record.channels.cbegin(), record.channels.cend(),
                          [](const QString &channel) { return isReplyChannel(channel.toUtf8()); });
}
