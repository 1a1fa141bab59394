// SPDX-License-Identifier: MIT
#include "core/xdsendresult_p.h"

#include <QtCore/QDebug>

#include <array>

namespace {

// Sends reaching up to this many listeners share their success result.
constexpr int SharedSuccessReach = 16;

// By listeners reached, then whether propagated. Returned as copies: a reference count
// each; writing to one detaches.
using SharedSuccesses = std::array<std::array<XDSendResult, 2>, SharedSuccessReach + 1>;

XDSendResult newSuccess(int reached, bool propagated)
{
    XDSendResult result;
    XDSendResultPrivate *d = XDSendResultPrivate::get(result);
    d->reached = reached;
    d->propagated = propagated;
    return result;
}

SharedSuccesses makeSharedSuccesses()
{
    SharedSuccesses results;
    for (int reached = 0; reached <= SharedSuccessReach; ++reached) {
        for (const bool propagated : {false, true})
            results[size_t(reached)][propagated] = newSuccess(reached, propagated);
    }
    return results;
}

} // namespace

XDSendResult XDSendResultPrivate::success(int reached, bool propagated)
{
    static const SharedSuccesses shared = makeSharedSuccesses();
    if (reached <= SharedSuccessReach)
        return shared[size_t(reached)][propagated];
    return newSuccess(reached, propagated);
}

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
