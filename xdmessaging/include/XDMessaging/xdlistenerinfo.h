// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdglobal.h>

#include <QtCore/QList>
#include <QtCore/QSharedDataPointer>
#include <QtCore/QStringList>
#include <QtCore/QUuid>

class QDebug;
class XDListenerInfoPrivate;

/*!
    A live listener as seen by senders: who it is, where it listens, and on what.
    Returned by XDBroadcaster::listeners().

    An implicitly shared value type, and a gadget: QML reads its properties \c id,
    \c pid, \c name, \c transports and \c channels.
*/
class XDMESSAGING_EXPORT XDListenerInfo
{
    Q_GADGET
    Q_PROPERTY(QUuid id READ id CONSTANT)
    Q_PROPERTY(qint64 pid READ pid CONSTANT)
    Q_PROPERTY(QString name READ name CONSTANT)
    Q_PROPERTY(QList<XDTransport> transports READ transports CONSTANT)
    Q_PROPERTY(QStringList channels READ channels CONSTANT)
public:
    /*! An empty description: no id, no channels. */
    XDListenerInfo();
    XDListenerInfo(const XDListenerInfo &other);
    XDListenerInfo(XDListenerInfo &&other) noexcept;
    XDListenerInfo &operator=(const XDListenerInfo &other);
    XDListenerInfo &operator=(XDListenerInfo &&other) noexcept;
    ~XDListenerInfo();
    void swap(XDListenerInfo &other) noexcept { d.swap(other.d); }

    /*! Stable for the listener's lifetime, the same on every transport (XDListener::id()). */
    QUuid id() const;
    void setId(const QUuid &id);
    /*! The listening process. */
    qint64 pid() const;
    void setPid(qint64 pid);
    /*! Its application name. */
    QString name() const;
    void setName(const QString &name);
    /*! Every transport it can be reached on. */
    QList<XDTransport> transports() const;
    void setTransports(const QList<XDTransport> &transports);
    /*! The channels it is registered on. */
    QStringList channels() const;
    void setChannels(const QStringList &channels);

    /*! Two descriptions are equal when every field is. */
    bool operator==(const XDListenerInfo &other) const;
    bool operator!=(const XDListenerInfo &other) const { return !(*this == other); }

private:
    QSharedDataPointer<XDListenerInfoPrivate> d;
};

Q_DECLARE_SHARED(XDListenerInfo)
Q_DECLARE_METATYPE(XDListenerInfo)

/*! Writes the listener's name, pid, transports and channels to \a debug. */
XDMESSAGING_EXPORT QDebug operator<<(QDebug debug, const XDListenerInfo &info);
