// SPDX-License-Identifier: MIT
// The goals of issues #6 and #19, checked against figures of the same run. Reported, never
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

// How much slower Auto is than the local socket in its worst scenario (1.0: never).
std::optional<double> BenchReport::worstAutoSlowdown() const
{
    std::optional<double> worst;
    for (const CaseResult &mine : results()) {
        if (mine.system != Ours)
            continue;
        const auto automatic = find(mine.scenario, QStringLiteral("xdmessaging-auto"));
        if (!automatic)
            continue;
        // A rate: ours over Auto's; a time: Auto's over ours.
        const auto slowdown =
                mine.msgsPerS ? divide(mine.msgsPerS, automatic->msgsPerS) : divide(automatic->p50Us, mine.p50Us);
        if (slowdown && (!worst || *slowdown > *worst))
            worst = slowdown;
    }
    return worst;
}

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
    auto faster = [&](const QString &goal, const char *scenario, const QString &than, double times) {
        return compare(goal, divide(rate(scenario, Ours), rate(scenario, than)), times, true);
    };
    auto quicker = [&](const QString &goal, const char *scenario, const QString &system, const QString &than,
                       double times) {
        return compare(goal, divide(p50(scenario, system), p50(scenario, than)), times, false);
    };
    const QString raw = QStringLiteral("raw-seqpacket");
    const QString zeromq = QStringLiteral("zeromq-pubsub");
    const QString native = QStringLiteral("xdmessaging-native");
    const QString xcb = QStringLiteral("raw-xcb-property");
    const auto fanout = find(QStringLiteral("fanout-1to8-64B"), Ours);
    const auto stalled = find(QStringLiteral("stalled-1of8-64B"), Ours);

    return {
            faster(QStringLiteral("throughput-1to1-64B: localsocket ≥ zeromq-pubsub"), "throughput-1to1-64B", zeromq,
                   1),
            faster(QStringLiteral("throughput-1to1-64B: localsocket ≥ 8× raw-seqpacket"), "throughput-1to1-64B", raw,
                   8),
            faster(QStringLiteral("fanout-1to8-64B: localsocket ≥ zeromq-pubsub per receiver"), "fanout-1to8-64B",
                   zeromq, 1),
            compare(QStringLiteral("fanout-1to8-64B: localsocket loses nothing"),
                    fanout ? std::optional<double>(double(fanout->lost + fanout->duplicated)) : std::nullopt, 0, false,
                    QStringLiteral(" lost or duplicated")),
            quicker(QStringLiteral("latency-64B p50: localsocket ≤ 1.3× raw-seqpacket"), "latency-64B", Ours, raw, 1.3),
            quicker(QStringLiteral("latency-64KiB p50: localsocket ≤ 1.5× raw-seqpacket"), "latency-64KiB", Ours, raw,
                    1.5),
            faster(QStringLiteral("throughput-1to1-1MiB: localsocket ≥ 0.8× raw-seqpacket"), "throughput-1to1-1MiB",
                   raw, 0.8),
            compare(QStringLiteral("xdmessaging-auto within 1.1× of localsocket in every scenario (worst)"),
                    worstAutoSlowdown(), 1.1, false),
            compare(QStringLiteral("channels-1000-64B: localsocket ≥ 0.9× its throughput-1to1-64B"),
                    divide(rate("channels-1000-64B", Ours), rate("throughput-1to1-64B", Ours)), 0.9, true),
            quicker(QStringLiteral("oneshot-send: xdmsg send (auto) ≤ dbus-send"), "oneshot-send",
                    QStringLiteral("xdmessaging-auto"), QStringLiteral("qtdbus"), 1),
            quicker(QStringLiteral("latency-64B p50: native ≤ 1.2× raw-xcb-property"), "latency-64B", native, xcb, 1.2),
            compare(QStringLiteral("throughput-1to1-64B: raw-xcb-property ≤ 1.2× native"),
                    divide(rate("throughput-1to1-64B", xcb), rate("throughput-1to1-64B", native)), 1.2, false),
            compare(QStringLiteral("stalled-1of8-64B: live listeners keep ≥ 80 % of fanout-1to8-64B"),
                    divide(stalled ? stalled->msgsPerS : std::nullopt, fanout ? fanout->msgsPerS : std::nullopt), 0.8,
                    true),
            compare(QStringLiteral("stalled-1of8-64B: sender held ≤ 1000 ms (the send timeout)"),
                    stalled ? stalled->maxSendMs : std::nullopt, 1000, false, QStringLiteral(" ms")),
    };
}
