// SPDX-License-Identifier: MIT
#pragma once

#include <QtCore/QStringList>

struct DriverOptions
{
    QString program; // this executable, started again for every peer
    bool quick = false; // small counts, one round: a smoke test
    int rounds = 3; // each scenario runs every system this many times, interleaved
    QString jsonFile;
    QStringList systems; // empty: all
    QStringList scenarios; // empty: all
    QString command; // as typed, for the report
};

// Runs every scenario for every system, prints the markdown report on stdout and
// progress on stderr. Returns 0, or 1 when XDMessaging lost or duplicated a message.
int runBenchmark(const DriverOptions &options);
