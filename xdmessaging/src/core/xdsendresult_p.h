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

    static XDSendResultPrivate *get(XDSendResult &result) { return result.d.data(); }
};
