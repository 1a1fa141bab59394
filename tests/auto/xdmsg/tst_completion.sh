#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The bash completion of xdmsg: commands, options, transports, and the channels of a
# live listener. Usage: tst_completion.sh XDMSG COMPLETION_FILE
set -euo pipefail
PATH="$(dirname "$1"):$PATH"
# shellcheck source=/dev/null
source "$2"

# Completes the words given (the last one being typed) and prints the candidates.
candidates() {
    COMP_WORDS=("$@")
    COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
    COMPREPLY=()
    _xdmsg
    echo "${COMPREPLY[*]}"
}
expect() { # expected, words...
    local expected=$1 got
    shift
    got=$(candidates "$@")
    if [ "$got" != "$expected" ]; then
        echo "FAIL: '$*' completes to '$got', not '$expected'" >&2
        exit 1
    fi
    echo "PASS: '$*' -> '$got'"
}

work=$(mktemp -d)
listener=
cleanup() {
    [ -z "$listener" ] || kill "$listener" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export XDMESSAGING_RUNTIME_DIR="$work/runtime" XDMESSAGING_TRANSPORT=localsocket

expect "listen" xdmsg l
expect "send" xdmsg se
expect "localsocket" xdmsg send --transport lo
expect "auto" xdmsg listen --transport a
expect "--count" xdmsg listen --co
expect "--propagate" xdmsg send --pr
expect "request" xdmsg req
expect "--reply" xdmsg listen --rep
expect "--watch" xdmsg channels --wa
expect "" xdmsg send c # nobody listens yet

channel="completion-$$"
# Its output goes to files, and it ends by itself: nothing holds ctest's pipe.
xdmsg listen --timeout 60 "$channel" > "$work/out" 2> "$work/err" &
listener=$!
for _ in $(seq 100); do grep -q listening "$work/err" && break; sleep 0.1; done
expect "$channel" xdmsg send comp
expect "$channel" xdmsg listen --transport localsocket comp
expect "" xdmsg send "$channel" comp # the text, not a channel
expect "$channel" xdmsg request --timeout 1 comp
expect "" xdmsg request "$channel" comp
echo "completion: all passed"
