#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds xdmessaging-bench (release) and runs it: every scenario for every system, the
# markdown report on stdout, the JSON in build-bench/bench.json.
# Usage: scripts/bench.sh [--update-readme] [xdmessaging-bench options, e.g. --quick]
#   --update-readme   puts the report into README.md's Performance section, headed by
#                     its chart, resources/bench-chart.png (scripts/bench-chart.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

update_readme=0
if [ "${1:-}" = "--update-readme" ]; then
    update_readme=1
    shift
fi
scripts/install-deps.sh
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DXDMESSAGING_BUILD_MESSENGER=OFF \
    -DXDMESSAGING_BUILD_BENCH=ON < /dev/null > /dev/null
cmake --build build-bench -j"$(nproc)" --target xdmessaging-bench < /dev/null > /dev/null

report=$(mktemp)
section=$(mktemp)
trap 'rm -f "$report" "$section"' EXIT
build-bench/bench/xdmessaging-bench --json build-bench/bench.json "$@" < /dev/null | tee "$report"
if [ "$update_readme" = 1 ]; then
    scripts/bench-chart.sh build-bench/bench.json resources/bench-chart.png
    {
        echo "![Bar chart of the results below: per scenario, every system's speed as a multiple of" \
            "raw-seqpacket's, log scale, higher is better](resources/bench-chart.png)"
        echo
        cat "$report"
    } > "$section"
    scripts/readme-section.sh performance "$section"
fi
