// SPDX-License-Identifier: MIT
#pragma once

// The figures of one scenario for one system. A figure that does not apply or could not
// be measured is empty (null in JSON, "-" in the table); note says why.

#include <QtCore/QString>

#include <optional>

struct CaseResult
{
    QString scenario;
    QString system;
    std::optional<double> msgsPerS; // per receiver
    std::optional<double> mibPerS;
    std::optional<double> p50Us; // one way
    std::optional<double> p99Us;
    std::optional<double> maxSendMs; // the longest one send call held the sender
    qint64 lost = 0; // over the live receivers (and over all rounds)
    qint64 reportedLost = 0; // ... of which the library told the listener
    qint64 duplicated = 0;
    QString note;
};

// A memory scenario's figure.
struct MemoryResult
{
    QString scenario;
    QString system;
    std::optional<double> rssGrowthKiB;
    std::optional<double> limitKiB; // the bound it must stay within, when there is one
    std::optional<double> maxSendMs;
    QString note;
};
