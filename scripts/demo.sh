#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's demo command: installs what is needed, builds, and shows XDMessaging at
# work with the xdmsg tool: two listeners and a sender, printing the traffic they see.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
build_dir=${XDMESSAGING_BUILD_DIR:-build-demo}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF < /dev/null > /dev/null
cmake --build "$build_dir" -j"$(nproc)" --target xdmsg < /dev/null > /dev/null
xdmsg="$build_dir/tools/xdmsg/xdmsg"

# A private runtime directory, so the demo neither sees nor disturbs other listeners.
runtime_dir=$(mktemp -d)
export XDMESSAGING_RUNTIME_DIR="$runtime_dir"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$runtime_dir"
}
trap cleanup EXIT

echo "== two listeners: A on Status and UserMessage, B on UserMessage only"
"$xdmsg" listen --count 3 --timeout 10 Status UserMessage > "$runtime_dir/a.out" 2> "$runtime_dir/a.err" &
pids+=($!)
"$xdmsg" listen --json --count 2 --timeout 10 UserMessage > "$runtime_dir/b.out" 2> "$runtime_dir/b.err" &
pids+=($!)
for _ in $(seq 100); do
    [ "$(grep -c listening "$runtime_dir"/*.err 2>/dev/null | awk -F: '{s+=$2} END {print s}')" = 2 ] && break
    sleep 0.05
done

echo "== xdmsg channels"
"$xdmsg" channels
echo "== sending"
"$xdmsg" send --verbose Status "sender joined"
"$xdmsg" send --verbose UserMessage "hello from $(hostname)"
printf 'line one\nline two with a\ttab\n' | "$xdmsg" send --verbose --stdin UserMessage || true
wait "${pids[@]}" || true
pids=()
echo "== listener A (CHANNEL<TAB>TEXT)"
cat "$runtime_dir/a.out"
echo "== listener B (--json)"
cat "$runtime_dir/b.out"
