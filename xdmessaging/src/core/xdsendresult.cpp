// SPDX-License-Identifier: MIT
#include "core/xdsendresult_p.h"

#include <QtCore/QDebug>

XDSendResult::XDSendResult() : d(new XDSendResultPrivate) {}
XDSendResult::XDSendResult(const XDSendResult &other) = default;
XDSendResult &XDSendResult::operator=(const XDSendResult &other) = default;
XDSendResult::~XDSendResult() = default;

bool XDSendResult::isOk() const
{
    return d->error == XDError::NoError;
}

XDError XDSendResult::error() const
{
    return d->error;
}

QString XDSendResult::errorString() const
{
    return d->errorString;
}

int XDSendResult::listenersReached() const
{
    return d->reached;
}

int XDSendResult::listenersFailed() const
{
    return int(d->failures.size());
}

QStringList XDSendResult::failures() const
{
    return d->failures;
}

XDSendResult XDSendResult::failure(XDError error, const QString &errorString)
{
    XDSendResult result;
    result.d->error = error;
    result.d->errorString = errorString;
    return result;
}

bool XDSendResult::propagatedToNetwork() const
{
    return d->propagated;
}

QDebug operator<<(QDebug debug, const XDSendResult &result)
{
    const QDebugStateSaver saver(debug);
    debug.nospace() << "XDSendResult(";
    if (result.isOk())
        debug << "ok";
    else
        debug << result.error() << ", " << result.errorString();
    debug << ", reached " << result.listenersReached();
    if (result.listenersFailed() > 0)
        debug << ", failed " << result.listenersFailed();
    if (result.propagatedToNetwork())
        debug << ", propagated";
    return debug << ')';
}
