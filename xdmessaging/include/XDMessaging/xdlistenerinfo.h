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
    /*! The listener's identity; see id(). */
    Q_PROPERTY(QUuid id READ id CONSTANT)
    /*! The listening process. */
    Q_PROPERTY(qint64 pid READ pid CONSTANT)
    /*! Its application name. */
    Q_PROPERTY(QString name READ name CONSTANT)
    /*! Every transport it can be reached on. */
    Q_PROPERTY(QList<XDTransport> transports READ transports CONSTANT)
    /*! The channels it is registered on. */
    Q_PROPERTY(QStringList channels READ channels CONSTANT)
public:
    /*! An empty description: no id, no channels. */
    XDListenerInfo();
    /*! Copies \a other; cheap, the data is shared until one of them changes. */
    XDListenerInfo(const XDListenerInfo &other);
    /*! Takes the data of \a other. */
    XDListenerInfo(XDListenerInfo &&other) noexcept;
    /*! Makes this a copy of \a other. */
    XDListenerInfo &operator=(const XDListenerInfo &other);
    /*! Takes the data of \a other. */
    XDListenerInfo &operator=(XDListenerInfo &&other) noexcept;
    ~XDListenerInfo();
    /*! Swaps this description with \a other. */
    void swap(XDListenerInfo &other) noexcept { d.swap(other.d); }

    /*! Stable for the listener's lifetime, the same on every transport (XDListener::id()). */
    QUuid id() const;
    /*! Sets the identity to \a id. */
    void setId(const QUuid &id);
    /*! The listening process. */
    qint64 pid() const;
    /*! Sets the process id to \a pid. */
    void setPid(qint64 pid);
    /*! Its application name. */
    QString name() const;
    /*! Sets the application name to \a name. */
    void setName(const QString &name);
    /*! Every transport it can be reached on. */
    QList<XDTransport> transports() const;
    /*! Sets the transports to \a transports. */
    void setTransports(const QList<XDTransport> &transports);
    /*! The channels it is registered on. */
    QStringList channels() const;
    /*! Sets the channels to \a channels. */
    void setChannels(const QStringList &channels);

    /*! Two descriptions are equal when every field is. */
    bool operator==(const XDListenerInfo &other) const;
    /*! Two descriptions differ when any field does. */
    bool operator!=(const XDListenerInfo &other) const { return !(*this == other); }

private:
    QSharedDataPointer<XDListenerInfoPrivate> d;
};

Q_DECLARE_SHARED(XDListenerInfo)
Q_DECLARE_METATYPE(XDListenerInfo)

/*! Writes the listener's name, pid, transports and channels to \a debug. */
XDMESSAGING_EXPORT QDebug operator<<(QDebug debug, const XDListenerInfo &info);
