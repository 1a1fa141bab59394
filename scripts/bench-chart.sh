#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Draws the results in an xdmessaging-bench --json file as a PNG bar chart: one group
# of bars per scenario, one bar per system (same colour in every group), each bar the
# system's speed as a multiple of raw-seqpacket's (1x, the reference line) on a log
# scale, higher is better everywhere:
#   - throughput scenarios: the system's msgs/s per receiver / raw-seqpacket's;
#   - latency scenarios ("latency-*", or any holding a p50 and no msgs/s): raw-seqpacket's
#     p50 / the system's p50.
# Bars of a system that lost or duplicated messages in that scenario are hatched.
# Scenarios and systems come from the file (known systems in a fixed order, others
# after them); a system without a figure for a scenario is left out of that group, and
# a scenario without a raw-seqpacket figure is left out of the chart (both noted).
# Memory results and goals are not drawn: they are not speeds.
# Usage: scripts/bench-chart.sh BENCH_JSON OUTPUT_PNG
# Needs python3 and gnuplot with the pngcairo terminal (Debian: python3, gnuplot-nox;
# scripts/install-deps.sh installs them) and the DejaVu fonts (fonts-dejavu-core).
# Exit status: 0 the chart is written; 1 BENCH_JSON is missing, unreadable, not an
# xdmessaging-bench JSON, or holds nothing to draw; 2 usage; 3 python3 or gnuplot is
# missing or gnuplot failed (OUTPUT_PNG is then left as it was).
set -euo pipefail

usage="usage: scripts/bench-chart.sh BENCH_JSON OUTPUT_PNG"
if [ "${1:-}" = "-h" ] || [ "${1:-}" = "--help" ]; then
    echo "$usage"
    exit 0
fi
if [ $# -ne 2 ]; then
    echo "$usage" >&2
    exit 2
fi
json=$1
png=$2
case "$png" in
    *.png) ;;
    *) echo "bench-chart: $png: the output must be a .png file" >&2; echo "$usage" >&2; exit 2 ;;
esac
if [ ! -e "$json" ]; then
    echo "bench-chart: $json: no such file" >&2
    exit 1
fi
if [ ! -f "$json" ] || [ ! -r "$json" ]; then
    echo "bench-chart: $json: not a readable file" >&2
    exit 1
fi
outdir=$(dirname -- "$png")
if [ ! -d "$outdir" ] || [ ! -w "$outdir" ]; then
    echo "bench-chart: $outdir: not a writable directory (for $png)" >&2
    exit 1
fi
for tool in python3 gnuplot; do
    if ! command -v "$tool" > /dev/null; then
        echo "bench-chart: $tool is missing (scripts/install-deps.sh installs it)" >&2
        exit 3
    fi
done

work=$(mktemp -d)
partial=$(mktemp -p "$outdir" --suffix=.png .bench-chart.XXXXXX)
trap 'rm -rf "$work"; rm -f "$partial"' EXIT

# python3 reads the JSON and writes the whole gnuplot script (data included); it exits
# 1 with a message when the file is not something it can draw.
python3 - "$json" "$partial" > "$work/chart.gp" << 'PYTHON'
import json
import math
import sys
import textwrap

json_path, png_path = sys.argv[1], sys.argv[2]
BASELINE = "raw-seqpacket"

# Known systems: XDMessaging's first (the ones a reader looks for), then the other
# baselines. A fixed colour each, so a system looks the same in every chart.
KNOWN = [
    ("xdmessaging-localsocket", "#1f77b4"),
    ("xdmessaging-native", "#ff7f0e"),
    ("xdmessaging-auto", "#2ca02c"),
    ("xdmessaging-network", "#d62728"),
    ("qlocalsocket", "#9467bd"),
    ("qtdbus", "#8c564b"),
    ("qtremoteobjects", "#e377c2"),
    ("raw-xcb-property", "#7f7f7f"),
    ("zeromq-pubsub", "#bcbd22"),
    ("iceoryx-pubsub", "#17becf"),
    ("memcpy", "#393b79"),
]
EXTRA_COLOURS = ["#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94",
                 "#f7b6d2", "#c7c7c7", "#dbdb8d", "#9edae5", "#000000"]


def fail(message):
    print(f"bench-chart: {json_path}: {message}", file=sys.stderr)
    sys.exit(1)


def warn(message):
    print(f"bench-chart: {message}", file=sys.stderr)


def number(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def quote(text):
    """A gnuplot double-quoted string (the terminal is noenhanced: no markup)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


try:
    with open(json_path, encoding="utf-8") as f:
        doc = json.load(f)
except OSError as e:
    fail(e.strerror or str(e))
except UnicodeDecodeError:
    fail("not JSON (not UTF-8 text)")
except json.JSONDecodeError as e:
    fail(f"not JSON ({e.msg} at line {e.lineno}, column {e.colno})")
if not isinstance(doc, dict) or not isinstance(doc.get("results"), list):
    fail('not an xdmessaging-bench --json file (no "results" list)')

scenarios = {}  # scenario -> {system: result}, both in the file's order
for i, result in enumerate(doc["results"]):
    if not isinstance(result, dict) or not isinstance(result.get("scenario"), str) \
            or not isinstance(result.get("system"), str):
        warn(f"{json_path}: results[{i}] has no scenario and system names; skipped")
        continue
    by_system = scenarios.setdefault(result["scenario"], {})
    if result["system"] in by_system:
        warn(f"{json_path}: {result['scenario']} / {result['system']} appears twice; "
             "the first is drawn")
        continue
    by_system[result["system"]] = result
if not scenarios:
    fail("holds no results")

# What each scenario is measured by: the bench's own rule (benchmarkdown.cpp) is that
# "latency-*" scenarios compare p50s and the others msgs/s; a scenario with p50s and no
# msgs/s at all (a new request/response one, say) is a latency one too.
groups = []  # (scenario, metric, [(system, ratio, lossy)])
notes = []
for scenario, by_system in scenarios.items():
    rows = by_system.values()
    has = {k: any(number(r.get(k)) is not None for r in rows) for k in ("msgs_per_s", "p50_us")}
    if scenario.startswith("latency-") or (has["p50_us"] and not has["msgs_per_s"]):
        metric = "p50_us"
    elif has["msgs_per_s"]:
        metric = "msgs_per_s"
    else:
        notes.append(f"{scenario} (no msgs/s or p50)")
        continue
    base = number(by_system.get(BASELINE, {}).get(metric))
    if base is None or base <= 0:
        notes.append(f"{scenario} (no {BASELINE} figure)")
        continue
    bars = []
    for system, result in by_system.items():
        if system == BASELINE:
            continue
        value = number(result.get(metric))
        if value is None:
            continue
        if value <= 0:
            notes.append(f"{system} in {scenario} ({value:g} {'msgs/s' if metric == 'msgs_per_s' else 'us p50'})")
            continue
        ratio = value / base if metric == "msgs_per_s" else base / value
        lossy = any((number(result.get(k)) or 0) > 0 for k in ("lost", "duplicated"))
        bars.append((system, ratio, lossy))
    if bars:
        groups.append((scenario, metric, bars))
    else:
        notes.append(f"{scenario} (only {BASELINE})")
if not groups:
    fail("holds nothing to draw: no scenario has both a raw-seqpacket figure and another system's")
for note in notes:
    warn(f"not drawn: {note}")

# Latency groups first, then throughput ones, each in the file's order.
groups.sort(key=lambda g: 0 if g[1] == "p50_us" else 1)

# Systems: the known ones in their order (unknown xdmessaging-* right after them),
# then the others as they first appear.
known_order = [name for name, _ in KNOWN]
present = []
for _, _, bars in groups:
    for system, _, _ in bars:
        if system not in present:
            present.append(system)


def rank(system):
    if system in known_order:
        return (0 if system.startswith("xdmessaging-") else 2, known_order.index(system), 0)
    return (1 if system.startswith("xdmessaging-") else 3, 0, present.index(system))


systems = sorted(present, key=rank)
colours = dict(KNOWN)
extra = iter(EXTRA_COLOURS * (1 + len(systems) // len(EXTRA_COLOURS)))
for system in systems:
    if system not in colours:
        colours[system] = next(extra)

# Layout in x units, one a bar: each group as wide as its bars or its two-line name,
# whichever is wider, GAP between groups; the plot about 1280 pixels wide, wider when
# bars would get thinner than about 11 pixels.
GAP = 1.2
PLOT_LEFT_PX, PLOT_RIGHT_PX = 100, 20


def tick_label(scenario):
    head, _, tail = scenario.partition("-")
    return f"{head}\n{tail}" if tail else head


def layout(px_per_unit):
    positions = []  # per group: (left edge, right edge, {system: x})
    x = 0.0
    for scenario, _, bars in groups:
        drawn = sorted((b[0] for b in bars), key=systems.index)
        name_px = 7.5 * max(len(line) for line in tick_label(scenario).split("\n")) + 12
        span = max(len(drawn) + 0.2, name_px / px_per_unit)
        first = x + (span - len(drawn)) / 2 + 0.5
        positions.append((x, x + span, {system: first + i for i, system in enumerate(drawn)}))
        x += span + GAP
    return positions, x - GAP


px_per_unit = 11.0  # grows round by round: the names fit at the final width
for _ in range(5):
    positions, units = layout(px_per_unit)
    width = max(1280, int(PLOT_LEFT_PX + PLOT_RIGHT_PX + 11 * units))
    px_per_unit = (width - PLOT_LEFT_PX - PLOT_RIGHT_PX) / units

ratios = [r for _, _, bars in groups for _, r, _ in bars]
lo = min(ratios + [1.0])
hi = max(ratios + [1.0])
# Room past the ends of the bars for the values printed there, about 50 pixels of the
# plot's PLOT_PX: pad decades on each side with pad * PLOT_PX / (data + 2 pad) = 50.
PLOT_PX = 420
pad = max(0.3, 50 * math.log10(hi / lo) / (PLOT_PX - 100))
ymin = min(lo / 10 ** pad, 0.5)
ymax = max(hi * 10 ** pad, 2.0)


def times(value):
    value = float(f"{value:.2g}") if value < 10 else value
    if value >= 100:
        text = f"{value:,.0f}"
    elif value >= 10:
        text = f"{value:.0f}"
    elif value >= 1:
        text = f"{value:.1f}"
    elif value >= 0.01:
        text = f"{value:.2f}"
    else:
        text = f"{value:.{-math.floor(math.log10(value))}f}"
    return text + "×"


def tick(value):
    text = f"{value:,.10f}".rstrip("0").rstrip(".")
    return text + "×"


decades = math.log10(ymax / ymin)
ticks = []
for k in range(math.floor(math.log10(ymin)), math.ceil(math.log10(ymax)) + 1):
    for m in ((1, 2, 5) if decades < 2.5 else (1,)):
        v = m * 10.0 ** k
        if ymin <= v <= ymax:
            ticks.append(v)

# Footer: the machine, and what was left out.
machine = doc.get("machine") if isinstance(doc.get("machine"), dict) else {}
parts = []
if isinstance(machine.get("cpu"), str):
    parts.append(machine["cpu"])
if number(machine.get("cores")) is not None:
    parts.append(f"{int(machine['cores'])} cores")
for key, prefix in (("os", ""), ("qt", "Qt ")):
    if isinstance(machine.get(key), str):
        parts.append(prefix + machine[key])
if isinstance(machine.get("date"), str):
    parts.append(machine["date"][:10])
any_lossy = any(l for _, _, bars in groups for _, _, l in bars)
footer = "Medians of one run" + (" on " + ", ".join(parts) if parts else "") + "." + \
         (" Hatched: the system lost or duplicated messages there." if any_lossy else "") + \
         " The figures themselves: the README's table."
if notes:
    shown = "; ".join(notes[:6]) + (f"; and {len(notes) - 6} more" if len(notes) > 6 else "")
    footer += "\nNot drawn: " + shown + "."

# Layout in pixels, from the top: title, subtitle, section headings, the plot, the
# scenario names, the legend, the footer.
legend_entries = len(systems) + 1 + (1 if any_lossy else 0)
legend_rows = max(4, math.ceil(legend_entries / 5))
legend_px = 19 * legend_rows + 10
top_px = 80
below_axis_px = 72
footer = "\n".join(textwrap.fill(line, int((width - 20) / 6.2)) for line in footer.split("\n"))
footer_lines = footer.count("\n") + 1
footer_px = 14 * footer_lines + 16
height = top_px + PLOT_PX + below_axis_px + legend_px + footer_px

out = []
w = out.append
w(f"set terminal pngcairo size {width},{height} font 'DejaVu Sans,11' noenhanced")
w(f"set output {quote(png_path)}")
w("set encoding utf8")
w(f"set tmargin at screen {1 - top_px / height!r}")
w(f"set bmargin at screen {(footer_px + legend_px + below_axis_px) / height!r}")
w(f"set lmargin at screen {PLOT_LEFT_PX / width!r}")
w(f"set rmargin at screen {1 - PLOT_RIGHT_PX / width!r}")
w("set border 3 lw 1 lc rgb '#444444'")
w("set tics nomirror")
w("set logscale y 10")
w(f"set yrange [{ymin!r}:{ymax!r}]")
w("set ytics (" + ", ".join(f"{quote(tick(v))} {v!r}" for v in ticks) + ")")
w("set mytics 10" if decades >= 2.5 else "set mytics default")
w("set grid ytics mytics lc rgb '#d0d0d0' lw 1, lc rgb '#eeeeee' lw 1")
w(f"set xrange [-0.3:{units + 0.3!r}]")
xtics = []
for (scenario, _, _), (left, right, _) in zip(groups, positions):
    xtics.append(f"{quote(tick_label(scenario))} {(left + right) / 2!r}")
w("set xtics scale 0 (" + ", ".join(xtics) + ")")
w("set ylabel " + quote("× raw-seqpacket (log scale, higher is better)") + " offset 0.5,0")
w("set xlabel " + quote("scenario") + " offset 0,-0.9 tc rgb '#555555'")

# Title and subtitle, left-aligned above the plot.
w("set label 1 " + quote("XDMessaging benchmark: every system against raw-seqpacket (1×), higher is better")
  + f" at screen 0.01, screen {1 - 20 / height!r} left font 'DejaVu Sans Bold,15'")
w("set label 2 " + quote("Throughput: msgs/s per receiver ÷ raw-seqpacket's.   "
                         "Latency: raw-seqpacket's p50 ÷ the system's p50, so higher is better there too.")
  + f" at screen 0.01, screen {1 - 45 / height!r} left font 'DejaVu Sans,11' tc rgb '#333333'")
w("set label 3 " + quote(footer) + f" at screen 0.01, screen {footer_px / 2 / height!r} left "
  "font 'DejaVu Sans,9' tc rgb '#555555'")

# Shade every other group; a dashed line and a heading for latency and throughput.
obj = 1
for i, (left, right, _) in enumerate(positions):
    if i % 2 == 0:
        w(f"set object {obj} rect from {left!r}, graph 0 to {right!r}, graph 1 "
          "behind fillcolor rgb '#f3f3f3' fillstyle solid 1.0 noborder")
        obj += 1
kinds = [g[1] for g in groups]
sections = []
for metric, name in (("p50_us", "LATENCY (p50)"), ("msgs_per_s", "THROUGHPUT (msgs/s per receiver)")):
    idx = [i for i, k in enumerate(kinds) if k == metric]
    if idx:
        sections.append((positions[idx[0]][0], positions[idx[-1]][1], name))
label = 10
for left, right, name in sections:
    w(f"set label {label} {quote(name)} at {(left + right) / 2!r}, screen {1 - (top_px - 12) / height!r} "
      "center font 'DejaVu Sans Bold,10' tc rgb '#555555'")
    label += 1
if len(sections) == 2:
    split = (sections[0][1] + sections[1][0]) / 2
    w(f"set arrow 1 from {split!r}, graph 0 to {split!r}, screen {1 - (top_px - 22) / height!r} "
      "nohead dt 2 lw 1.5 lc rgb '#888888'")

w(f"set key at screen 0.5, screen {(footer_px + legend_px) / height!r} center top vertical "
  f"maxrows {legend_rows} Left reverse width 1 samplen 2.5 spacing 1.15 box lc rgb '#bbbbbb'")
w("set style fill solid 1.0 border rgb '#333333'")

# The data: per system x, y (the ratio), bottom and top of the bar.
HALF = min(0.42, 22 / px_per_unit)  # bars at most about 44 pixels wide
plots = []
for system in systems:
    rows = []
    for (scenario, _, bars), (_, _, slots) in zip(groups, positions):
        for s, ratio, _ in bars:
            if s == system:
                rows.append(f"{slots[s]!r} {ratio!r} {min(ratio, 1.0)!r} {max(ratio, 1.0)!r}")
    name = f"$s{systems.index(system)}"
    w(f"{name} << EOD")
    out.extend(rows)
    w("EOD")
    plots.append(f"{name} using 1:2:($1-{HALF}):($1+{HALF}):3:4 with boxxyerror "
                 f"fillcolor rgb '{colours[system]}' title {quote(system)}")
lossy = [(slots[s], r) for (_, _, bars), (_, _, slots) in zip(groups, positions) for s, r, l in bars if l]
if lossy:
    w("$lossy << EOD")
    out.extend(f"{x!r} {r!r} {min(r, 1.0)!r} {max(r, 1.0)!r}" for x, r in lossy)
    w("EOD")
    plots.append(f"$lossy using 1:2:($1-{HALF}):($1+{HALF}):3:4 with boxxyerror "
                 "fillstyle pattern 4 transparent border rgb '#333333' lc rgb '#000000' notitle")
up = [(slots[s], r) for (_, _, bars), (_, _, slots) in zip(groups, positions) for s, r, _ in bars if r >= 1]
down = [(slots[s], r) for (_, _, bars), (_, _, slots) in zip(groups, positions) for s, r, _ in bars if r < 1]
for block, points in (("$up", up), ("$down", down)):
    if points:
        w(f"{block} << EOD")
        out.extend(f"{x!r} {r!r} {quote(times(r))}" for x, r in points)
        w("EOD")
label_font = "DejaVu Sans,8" if px_per_unit >= 13 else "DejaVu Sans Condensed,7"
if up:
    plots.append(f"$up using 1:2:3 with labels rotate by 90 left offset 0,0.35 font '{label_font}' "
                 "tc rgb '#222222' notitle")
if down:
    plots.append(f"$down using 1:2:3 with labels rotate by 90 right offset 0,-0.35 font '{label_font}' "
                 "tc rgb '#222222' notitle")
plots.append("1 with lines lw 2 lc rgb '#000000' title " + quote(f"{BASELINE} = 1× (baseline)"))
if lossy:
    plots.append("NaN with boxes fillstyle pattern 4 transparent border rgb '#333333' lc rgb '#000000' "
                 "title " + quote("hatched: lost or duplicated"))
w("set samples 2")
w("plot " + ", \\\n     ".join(plots))
print("\n".join(out))
PYTHON

if ! gnuplot "$work/chart.gp" 2> "$work/gnuplot.err"; then
    echo "bench-chart: gnuplot failed:" >&2
    cat "$work/gnuplot.err" >&2
    exit 3
fi
if [ -s "$work/gnuplot.err" ]; then
    cat "$work/gnuplot.err" >&2
fi
if [ ! -s "$partial" ]; then
    echo "bench-chart: gnuplot wrote no image" >&2
    exit 3
fi
chmod "$(printf '%o' $((0666 & ~$(umask))))" "$partial"  # mktemp's file is private
mv -f "$partial" "$png"
echo "bench-chart: wrote $png" >&2
