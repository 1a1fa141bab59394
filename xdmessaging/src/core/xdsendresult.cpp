// SPDX-License-Identifier: MIT
#include "core/xdsendresult_p.h"

#include <QtCore/QDebug>

#include <array>

namespace {

// Sends reaching up to this many listeners share their success result.
constexpr int SharedSuccessReach = 16;

struct SharedSuccesses
{
    // By listeners reached, then whether propagated.
    std::array<std::array<QSharedDataPointer<XDSendResultPrivate>, 2>, SharedSuccessReach + 1> results;
    SharedSuccesses()
    {
        for (int reached = 0; reached <= SharedSuccessReach; ++reached) {
            for (const bool propagated : {false, true}) {
                auto *d = new XDSendResultPrivate;
                d->reached = reached;
                d->propagated = propagated;
                results[size_t(reached)][propagated] = QSharedDataPointer<XDSendResultPrivate>(d);
            }
        }
    }
};

const SharedSuccesses &sharedSuccesses()
{
    static const SharedSuccesses successes;
    return successes;
}

} // namespace

XDSendResult XDSendResultPrivate::success(int reached, bool propagated)
{
    XDSendResult result;
    if (reached <= SharedSuccessReach) {
        result.d = sharedSuccesses().results[size_t(reached)][propagated];
    } else {
        result.d->reached = reached;
        result.d->propagated = propagated;
    }
    return result;
}

// Shares the result of a send that reached nobody; writing to it detaches.
XDSendResult::XDSendResult() : d(sharedSuccesses().results[0][false]) {}
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
