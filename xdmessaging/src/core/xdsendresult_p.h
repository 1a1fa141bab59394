// SPDX-License-Identifier: MIT
#pragma once

#include <XDMessaging/xdsendresult.h>

#include <QtCore/QSharedData>

class XDSendResultPrivate : public QSharedData
{
public:
    XDError error = XDError::NoError;
    QString errorString;
    int reached = 0;
    bool propagated = false;
    QStringList failures;

    // For writing: detaches a shared result first.
    static XDSendResultPrivate *get(XDSendResult &result) { return result.d.data(); }
    // A result that went well. Nearly every send ends so: those reaching few listeners
    // share one private each rather than allocate one per send.
    static XDSendResult success(int reached, bool propagated);
};
