// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QDebug>
#include <QtCore/QString>

// One row of the README's Reliability table: what was tried, and what happened.
inline void reportReliability(const QString &area, const QString &what, const QString &result)
{
    qInfo().noquote() << QStringLiteral("RELIABILITY|%1|%2|%3").arg(area, what, result);
}
