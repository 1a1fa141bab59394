// SPDX-License-Identifier: MIT
#include "benchreport.h"

#include "scenarios.h"

#include <QtCore/QJsonArray>

#include <algorithm>

namespace {

std::optional<double> median(QList<double> values)
{
    if (values.isEmpty())
        return std::nullopt;
    std::sort(values.begin(), values.end());
    const qsizetype middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

template<typename Field>
std::optional<double> medianOf(const QList<CaseResult> &rounds, Field field)
{
    QList<double> values;
    for (const CaseResult &round : rounds) {
        if (const std::optional<double> value = round.*field)
            values.append(*value);
    }
    return median(values);
}

CaseResult combine(const QList<CaseResult> &rounds)
{
    CaseResult combined = rounds.first();
    combined.msgsPerS = medianOf(rounds, &CaseResult::msgsPerS);
    combined.mibPerS = medianOf(rounds, &CaseResult::mibPerS);
    combined.p50Us = medianOf(rounds, &CaseResult::p50Us);
    combined.p99Us = medianOf(rounds, &CaseResult::p99Us);
    combined.maxSendMs.reset();
    combined.lost = combined.reportedLost = combined.duplicated = 0;
    QStringList notes;
    for (const CaseResult &round : rounds) {
        if (round.maxSendMs)
            combined.maxSendMs = qMax(combined.maxSendMs.value_or(0), *round.maxSendMs);
        combined.lost += round.lost;
        combined.reportedLost += round.reportedLost;
        combined.duplicated += round.duplicated;
        if (!round.note.isEmpty() && !notes.contains(round.note))
            notes.append(round.note);
    }
    combined.note = notes.join(QLatin1String("; "));
    return combined;
}

QJsonValue jsonNumber(const std::optional<double> &value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

} // namespace

QList<CaseResult> BenchReport::results() const
{
    QList<CaseResult> combined;
    QStringList done;
    for (const CaseResult &result : m_rounds) {
        const QString key = result.scenario + QLatin1Char('/') + result.system;
        if (done.contains(key))
            continue;
        done.append(key);
        QList<CaseResult> rounds;
        std::copy_if(m_rounds.cbegin(), m_rounds.cend(), std::back_inserter(rounds),
                     [&](const CaseResult &r) { return r.scenario == result.scenario && r.system == result.system; });
        combined.append(combine(rounds));
    }
    return combined;
}

std::optional<CaseResult> BenchReport::find(const QString &scenario, const QString &system) const
{
    for (const CaseResult &result : results()) {
        if (result.scenario == scenario && result.system == system)
            return result;
    }
    return std::nullopt;
}

QJsonDocument BenchReport::json(const QJsonObject &machine) const
{
    QJsonArray results;
    for (const CaseResult &result : this->results()) {
        results.append(QJsonObject {{QStringLiteral("scenario"), result.scenario},
                                    {QStringLiteral("system"), result.system},
                                    {QStringLiteral("msgs_per_s"), jsonNumber(result.msgsPerS)},
                                    {QStringLiteral("mib_per_s"), jsonNumber(result.mibPerS)},
                                    {QStringLiteral("p50_us"), jsonNumber(result.p50Us)},
                                    {QStringLiteral("p99_us"), jsonNumber(result.p99Us)},
                                    {QStringLiteral("lost"), result.lost},
                                    {QStringLiteral("reported_lost"), result.reportedLost},
                                    {QStringLiteral("duplicated"), result.duplicated},
                                    {QStringLiteral("max_send_ms"), jsonNumber(result.maxSendMs)},
                                    {QStringLiteral("note"), result.note}});
    }
    QJsonArray memory;
    for (const MemoryResult &result : m_memory) {
        memory.append(QJsonObject {{QStringLiteral("scenario"), result.scenario},
                                   {QStringLiteral("system"), result.system},
                                   {QStringLiteral("rss_growth_kib"), jsonNumber(result.rssGrowthKiB)},
                                   {QStringLiteral("limit_kib"), jsonNumber(result.limitKiB)},
                                   {QStringLiteral("max_send_ms"), jsonNumber(result.maxSendMs)},
                                   {QStringLiteral("note"), result.note}});
    }
    QJsonArray goals;
    for (const GoalCheck &goal : this->goals()) {
        goals.append(QJsonObject {{QStringLiteral("goal"), goal.goal},
                                  {QStringLiteral("measured"), goal.measured},
                                  {QStringLiteral("met"), goal.met ? QJsonValue(*goal.met) : QJsonValue()}});
    }
    return QJsonDocument(QJsonObject {{QStringLiteral("machine"), machine},
                                      {QStringLiteral("results"), results},
                                      {QStringLiteral("memory"), memory},
                                      {QStringLiteral("goals"), goals}});
}

QStringList BenchReport::xdmessagingLosses() const
{
    QStringList losses;
    for (const CaseResult &result : results()) {
        // A loss the listener was told of, exactly, is a limit measured (a network
        // listener too far behind); one it was not told of, or a wrong count, is a bug.
        const bool silent = result.lost != result.reportedLost;
        if (result.system.startsWith(QLatin1String("xdmessaging-")) && (silent || result.duplicated > 0))
            losses.append(QStringLiteral("%1 %2: %3 lost (%4 of them reported to the listener), %5 duplicated")
                                  .arg(result.scenario, result.system)
                                  .arg(result.lost)
                                  .arg(result.reportedLost)
                                  .arg(result.duplicated));
    }
    return losses;
}
