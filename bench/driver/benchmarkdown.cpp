// SPDX-License-Identifier: MIT
// The report as markdown, for stdout and the README.
#include "benchreport.h"

#include "scenarios.h"

#include <QtCore/QLocale>

namespace {

QString number(const std::optional<double> &value, int decimals = 0)
{
    if (!value)
        return QStringLiteral("-");
    static const QLocale english(QLocale::English);
    return english.toString(*value, 'f', decimals);
}

bool isTimed(const QString &scenario)
{
    const Scenario *found = findScenario(scenario);
    return found && found->isTimed();
}

// Throughput: how many times the baseline's rate; latency: p50 over the baseline's p50.
std::optional<double> ratio(const CaseResult &result, const std::optional<CaseResult> &baseline)
{
    if (!baseline)
        return std::nullopt;
    const std::optional<double> mine = isTimed(result.scenario) ? result.p50Us : result.msgsPerS;
    const std::optional<double> theirs = isTimed(result.scenario) ? baseline->p50Us : baseline->msgsPerS;
    if (!mine || !theirs || *theirs <= 0)
        return std::nullopt;
    return *mine / *theirs;
}

// "27033 (reported)": the library told the listener of exactly these losses.
QString lostCell(const CaseResult &result)
{
    if (result.reportedLost == 0)
        return QString::number(result.lost);
    if (result.reportedLost == result.lost)
        return QStringLiteral("%1 (reported)").arg(result.lost);
    return QStringLiteral("%1 (%2 reported)").arg(result.lost).arg(result.reportedLost);
}

} // namespace

QString BenchReport::resultsTable() const
{
    QString table = QStringLiteral("| scenario | system | msgs/s | MiB/s | p50 µs | p99 µs | lost | dup | vs "
                                   "raw-seqpacket | longest send ms | note |\n"
                                   "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n");
    for (const CaseResult &result : results()) {
        const std::optional<double> r = ratio(result, find(result.scenario, baselineSystem()));
        table += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 | %7 | %8 | %9 | %10 | %11 |\n")
                         .arg(result.scenario, result.system, number(result.msgsPerS), number(result.mibPerS, 1),
                              number(result.p50Us, 1), number(result.p99Us, 1), lostCell(result),
                              QString::number(result.duplicated),
                              r ? number(r, 2) + QStringLiteral("×") : QStringLiteral("-"))
                         .arg(number(result.maxSendMs, 1), result.note);
    }
    return table;
}

QString BenchReport::memoryTable() const
{
    QString table = QStringLiteral("| scenario | system | RSS growth KiB | bound KiB | longest send ms | note |\n"
                                   "|---|---|--:|--:|--:|---|\n");
    for (const MemoryResult &result : m_memory) {
        table += QStringLiteral("| %1 | %2 | %3 | %4 | %5 | %6 |\n")
                         .arg(result.scenario, result.system, number(result.rssGrowthKiB), number(result.limitKiB),
                              number(result.maxSendMs, 1), result.note);
    }
    return table;
}

QString BenchReport::goalsTable() const
{
    QString table = QStringLiteral("| goal | measured | met |\n|---|---|---|\n");
    for (const GoalCheck &goal : goals()) {
        const QString met = !goal.met   ? QStringLiteral("not measured")
                            : *goal.met ? QStringLiteral("yes")
                                        : QStringLiteral("**no**");
        table += QStringLiteral("| %1 | %2 | %3 |\n").arg(goal.goal, goal.measured, met);
    }
    return table;
}

QString BenchReport::markdown(const QJsonObject &machine, const QString &command) const
{
    return QStringLiteral("### Results\n\n"
                          "Medians over the rounds; lost and dup are summed over all rounds and count the "
                          "live receivers; \"reported\" losses are those the library told the listener of "
                          "(XDListener::messagesLost). Throughput is what each receiver got per second. "
                          "\"vs raw-seqpacket\" is the rate over raw-seqpacket's (higher is faster), "
                          "for latency the p50 over raw-seqpacket's (lower is faster).\n\n%1\n"
                          "### Memory\n\n%2\n### Goals\n\n%3\n"
                          "Machine: %4, %5 cores, %6, %7, Qt %8, %9. Command: `%10`.\n")
            .arg(resultsTable(), memoryTable(), goalsTable(), machine.value(QStringLiteral("cpu")).toString(),
                 QString::number(machine.value(QStringLiteral("cores")).toInt()),
                 machine.value(QStringLiteral("kernel")).toString(), machine.value(QStringLiteral("os")).toString(),
                 machine.value(QStringLiteral("qt")).toString())
            .arg(machine.value(QStringLiteral("date")).toString(), command);
}
