#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's demo command: installs what is needed, builds, and runs the Messenger.
#   - On a desktop (a usable $DISPLAY): opens three Messenger windows and a QML Messenger
#     to play with.
#   - Without a display: starts an Xvfb of its own, opens three Messenger windows and a
#     QML Messenger, makes them talk on Status and UserMessage, prints the traffic an
#     xdmsg listener saw, saves a screenshot and prints its path.
# Options: --screenshot FILE (where the headless run saves it), --headless (even when
# a display is available).
set -euo pipefail
cd "$(dirname "$0")/.."

screenshot="$PWD/build-demo/messenger-demo.png"
headless=0
while [ $# -gt 0 ]; do
    case "$1" in
        --screenshot) screenshot=$(realpath -m "$2"); shift 2 ;;
        --headless) headless=1; shift ;;
        *) echo "usage: scripts/demo.sh [--headless] [--screenshot FILE]" >&2; exit 2 ;;
    esac
done

scripts/install-deps.sh
cmake -S . -B build-demo -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF < /dev/null > /dev/null
targets=(messenger xdmsg)
# The QML Messenger is there when Qt Quick is (install-deps.sh installs it).
if cmake --build build-demo --target help < /dev/null | grep -w qml-messenger > /dev/null; then
    targets+=(qml-messenger)
fi
cmake --build build-demo -j"$(nproc)" --target "${targets[@]}" < /dev/null > /dev/null
messenger=build-demo/messenger/messenger
qml_messenger=build-demo/qml/qml-messenger
[ -x "$qml_messenger" ] || qml_messenger=
xdmsg=build-demo/tools/xdmsg/xdmsg

if [ "$headless" = 0 ] && [ -n "${DISPLAY:-}" ] && xdpyinfo > /dev/null 2>&1; then
    echo "Opening three Messenger windows and a QML Messenger on $DISPLAY; close them when done."
    "$messenger" --instance Alice --position 40,40 &
    "$messenger" --instance Bob --position 600,40 &
    "$messenger" --instance Claire --lang fr --position 40,460 &
    [ -z "$qml_messenger" ] || "$qml_messenger" --instance Dana --position 600,460 &
    wait
    exit 0
fi

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export XDMESSAGING_RUNTIME_DIR="$work/runtime"

# An X server of our own, on a display number it picks itself.
exec 3> "$work/display"
Xvfb -displayfd 3 -screen 0 1180x800x24 -nolisten tcp > /dev/null 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
export DISPLAY=":$(head -1 "$work/display")"
export QT_QPA_PLATFORM=xcb
export QT_QUICK_BACKEND=software # Xvfb has no GPU
echo "== Xvfb on $DISPLAY"

"$xdmsg" listen Status UserMessage > "$work/traffic" 2> "$work/listen.err" &
pids+=($!)

# Three windows; each reads lines to "type" from a pipe of its own.
start_window() { # name language x,y
    mkfifo "$work/$1.in"
    "$messenger" --instance "$1" --lang "$2" --position "$3" --echo --stdin < "$work/$1.in" > "$work/$1.log" 2>&1 &
    pids+=($!)
    eval "exec {fd}> \"$work/$1.in\""
    eval "${1}_input=$fd"
    for _ in $(seq 200); do grep -q "$1: " "$work/$1.log" 2>/dev/null && break; sleep 0.05; done
}
start_window Alice en 20,20
start_window Bob de 600,20
start_window Claire fr 20,420
# The QML Messenger: the same chat through the QML module. Ready once it listens.
if [ -n "$qml_messenger" ]; then
    mkfifo "$work/Dana.in"
    "$qml_messenger" --instance Dana --position 600,420 --stdin < "$work/Dana.in" > "$work/Dana.log" 2>&1 &
    pids+=($!)
    exec {Dana_input}> "$work/Dana.in"
    for _ in $(seq 200); do "$xdmsg" channels 2>/dev/null | grep -q "QML Messenger" && break; sleep 0.05; done
fi

say() { echo "$2" >&"$1"; sleep 0.4; }
say "$Alice_input" "Hello everyone, Alice here."
say "$Bob_input" "Hallo Alice! <b>Markup</b> stays literal."
say "$Claire_input" "Bonjour à tous !"
[ -z "$qml_messenger" ] || say "$Dana_input" "Dana here, in the QML Messenger."
"$xdmsg" send UserMessage "xdmsg, the command-line tool, says hi too"
sleep 1

mkdir -p "$(dirname "$screenshot")"
import -window root "$screenshot"

echo "== traffic seen by 'xdmsg listen Status UserMessage'"
cat "$work/traffic"
echo "== screenshot: $screenshot"
