#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Instructions per 64-byte message on each side, counted by callgrind: two runs (N1 and
# N2 messages) of the benchmark's own receive and send peers, one process each;
# (Ir(N2) - Ir(N1)) / (N2 - N1) leaves out start-up and tear-down. The sender's count
# includes the benchmark's own loop (writing a header into each message). Under callgrind
# a send is so slow that the sender counts as idle and writes each frame itself (one
# sendmsg() per message): this measures that path, not the batched one of a burst.
# Usage: scripts/bench-instructions.sh XDMESSAGING_BENCH [SYSTEM [N1 N2]]
#   SYSTEM  an xdmessaging-* system of xdmessaging-bench (default xdmessaging-localsocket)
set -euo pipefail
if [ $# -lt 1 ] || [ ! -x "$1" ]; then
    echo "usage: $0 XDMESSAGING_BENCH [SYSTEM [N1 N2]]" >&2
    exit 2
fi
command -v valgrind > /dev/null || { echo "$0: valgrind is not installed" >&2; exit 2; }
bench=$1; system=${2:-xdmessaging-localsocket}; n1=${3:-2000}; n2=${4:-12000}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -m 700 "$work/rt"; export XDMESSAGING_RUNTIME_DIR=$work/rt
run() {
  local n=$1; local common="--system $system --channel cg --work-dir $work --count $n --senders 1 --size 64 --sender-id 0 --idle-ms 20000 --warmup 0"
  valgrind --tool=callgrind --callgrind-out-file="$work/recv.$n" "$bench" --peer receive $common > "$work/recv.$n.out" 2>/dev/null &
  local receiver=$!
  for _ in $(seq 200); do grep -q READY "$work/recv.$n.out" 2>/dev/null && break; sleep 0.1; done
  mkfifo "$work/go.$n"
  valgrind --tool=callgrind --callgrind-out-file="$work/send.$n" "$bench" --peer send $common < "$work/go.$n" > "$work/send.$n.out" 2>/dev/null &
  local sender=$!
  exec 7> "$work/go.$n"
  for _ in $(seq 200); do grep -q CONNECTED "$work/send.$n.out" 2>/dev/null && break; sleep 0.1; done
  echo GO >&7
  wait $receiver
  echo EXIT >&7; exec 7>&-
  wait $sender
  grep RESULT "$work/recv.$n.out" >&2
}
total() { grep -E '^(summary|totals):' "$1" | head -1 | awk '{print $2}'; }
run "$n1"; run "$n2"
for side in send recv; do
  a=$(total "$work/$side.$n1"); b=$(total "$work/$side.$n2")
  echo "$system $side: $(( (b - a) / (n2 - n1) )) instructions per 64-byte message"
done
