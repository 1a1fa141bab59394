// SPDX-License-Identifier: MIT
#include "core/xdsendresult_p.h"

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
