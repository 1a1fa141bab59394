// SPDX-License-Identifier: MIT
// The goals of issue #6, checked against figures of the same run. Reported, never
// asserted: this machine is shared and noisy.
#include "benchreport.h"

namespace {

const QString Ours = QStringLiteral("xdmessaging-localsocket");

std::optional<double> divide(const std::optional<double> &a, const std::optional<double> &b)
{
    if (!a || !b || *b <= 0)
        return std::nullopt;
    return *a / *b;
}

GoalCheck compare(const QString &goal, const std::optional<double> &ratio, double target, bool atLeast,
                  const QString &unit = QStringLiteral("×"))
{
    if (!ratio)
        return {goal, QStringLiteral("-"), std::nullopt};
    return {goal, QString::number(*ratio, 'f', 2) + unit, atLeast ? *ratio >= target : *ratio <= target};
}

} // namespace

QList<GoalCheck> BenchReport::goals() const
{
    auto rate = [this](const char *scenario, const QString &system) {
        const auto result = find(QLatin1String(scenario), system);
        return result ? result->msgsPerS : std::nullopt;
    };
    auto p50 = [this](const char *scenario, const QString &system) {
        const auto result = find(QLatin1String(scenario), system);
        return result ? result->p50Us : std::nullopt;
    };
    const QString raw = QStringLiteral("raw-seqpacket");
    const QString native = QStringLiteral("xdmessaging-native");
    const QString xcb = QStringLiteral("raw-xcb-property");
    const auto fanout = find(QStringLiteral("fanout-1to8-64B"), Ours);
    const auto stalled = find(QStringLiteral("stalled-1of8-64B"), Ours);
    const auto big = find(QStringLiteral("throughput-1to1-1MiB"), Ours);
    const auto memcpy = find(QStringLiteral("throughput-1to1-1MiB"), QStringLiteral("memcpy"));

    QList<GoalCheck> checks {
            compare(QStringLiteral("throughput-1to1-64B: localsocket ≥ 4× raw-seqpacket"),
                    divide(rate("throughput-1to1-64B", Ours), rate("throughput-1to1-64B", raw)), 4, true),
            compare(QStringLiteral("throughput-1to1-64B: localsocket ≥ 20× qtdbus"),
                    divide(rate("throughput-1to1-64B", Ours), rate("throughput-1to1-64B", QStringLiteral("qtdbus"))),
                    20, true),
            compare(QStringLiteral("latency-64B p50: localsocket ≤ 1.5× raw-seqpacket"),
                    divide(p50("latency-64B", Ours), p50("latency-64B", raw)), 1.5, false),
            compare(QStringLiteral("fanout-1to8-64B: localsocket ≥ 10× raw-seqpacket per receiver"),
                    divide(rate("fanout-1to8-64B", Ours), rate("fanout-1to8-64B", raw)), 10, true),
            compare(QStringLiteral("fanout-1to8-64B: localsocket ≥ zeromq-pubsub (no drop)"),
                    divide(rate("fanout-1to8-64B", Ours), rate("fanout-1to8-64B", QStringLiteral("zeromq-pubsub"))), 1,
                    true),
            compare(QStringLiteral("fanout-1to8-64B: localsocket loses nothing"),
                    fanout ? std::optional<double>(double(fanout->lost + fanout->duplicated)) : std::nullopt, 0, false,
                    QStringLiteral(" lost or duplicated")),
            compare(QStringLiteral("throughput-1to1-1MiB: localsocket ≥ 50 % of memcpy bandwidth"),
                    divide(big ? big->mibPerS : std::nullopt, memcpy ? memcpy->mibPerS : std::nullopt), 0.5, true),
            compare(QStringLiteral("latency-64B p50: native ≤ 1.2× raw-xcb-property"),
                    divide(p50("latency-64B", native), p50("latency-64B", xcb)), 1.2, false),
            compare(QStringLiteral("throughput-1to1-64B: raw-xcb-property ≤ 1.2× native"),
                    divide(rate("throughput-1to1-64B", xcb), rate("throughput-1to1-64B", native)), 1.2, false),
            compare(QStringLiteral("stalled-1of8-64B: live listeners keep ≥ 80 % of fanout-1to8-64B"),
                    divide(stalled ? stalled->msgsPerS : std::nullopt, fanout ? fanout->msgsPerS : std::nullopt), 0.8,
                    true),
            compare(QStringLiteral("stalled-1of8-64B: sender held ≤ 1000 ms (the send timeout)"),
                    stalled ? stalled->maxSendMs : std::nullopt, 1000, false, QStringLiteral(" ms")),
    };
    return checks;
}
