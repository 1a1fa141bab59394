#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Builds the Debian packages with CPack (into build-deb/, prefix /usr) and checks them
# with lintian. With --install (what CI does), it then installs them on this machine,
# builds the consumers against the system install (CMake and pkg-config, no prefix),
# runs xdmsg --version and a send/listen round trip, renders the man page, and purges
# the packages again, checking that nothing of theirs is left under /usr.
set -euo pipefail
cd "$(dirname "$0")/.."

install=0
case "${1:-}" in
    --install) install=1 ;;
    "") ;;
    *) echo "usage: scripts/packages.sh [--install]" >&2; exit 2 ;;
esac
build=build-deb
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)

cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr -DBUILD_TESTING=OFF \
      -DXDMESSAGING_BUILD_BENCH=OFF -DXDMESSAGING_WARNINGS_AS_ERRORS=ON < /dev/null > /dev/null
cmake --build "$build" -j"$(nproc)" < /dev/null > /dev/null
rm -f "$build"/*.deb
(cd "$build" && cpack -G DEB < /dev/null > cpack.log) || { cat "$build/cpack.log"; exit 1; }
packages=("$PWD/$build"/*.deb)
for deb in "${packages[@]}"; do
    echo "$(basename "$deb"): $(dpkg-deb -f "$deb" Depends)"
done
lintian --fail-on error "${packages[@]}"
echo "lintian: no errors in ${#packages[@]} packages"
[ "$install" = 1 ] || exit 0

names=()
for deb in "${packages[@]}"; do names+=("$(dpkg-deb -f "$deb" Package)"); done
work=$(mktemp -d)
listener=
cleanup() {
    [ -z "$listener" ] || kill "$listener" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${packages[@]}" < /dev/null > "$work/apt.log" \
    || { cat "$work/apt.log"; exit 1; }
installed_files=$(dpkg -L "${names[@]}" | while read -r path; do [ -d "$path" ] || echo "$path"; done)
echo "installed ${names[*]}: $(echo "$installed_files" | wc -l) files"

# A user's project against the system install: no prefix, no QML_IMPORT_PATH.
cmake -S tests/auto/install/consumer -B "$work/consumer" -DEXPECT_QML=ON < /dev/null > /dev/null
cmake --build "$work/consumer" < /dev/null > /dev/null
"$work/consumer/xdmessaging-consumer"
QT_QPA_PLATFORM=offscreen "$work/consumer/xdmessaging-qml-consumer"
# shellcheck disable=SC2046 # the flags are words
c++ -std=c++17 -fPIC tests/auto/install/consumer/main.cpp -o "$work/pkgconfig-consumer" \
    $(pkg-config --cflags --libs XDMessaging)
"$work/pkgconfig-consumer"

xdmsg --version
export XDMESSAGING_RUNTIME_DIR="$work/runtime"
xdmsg listen --count 1 --timeout 10 --transport localsocket packaged > "$work/received" 2> "$work/listen.err" &
listener=$!
for _ in $(seq 100); do grep -q "listening" "$work/listen.err" && break; sleep 0.1; done
xdmsg send --transport localsocket packaged "hello from the packages"
wait "$listener"
listener=
grep -qx "packaged	hello from the packages" "$work/received"
echo "xdmsg round trip: $(cat "$work/received")"
man -P cat xdmsg 2> /dev/null | grep -q "send, listen to and list XDMessaging channels"
echo "man xdmsg renders"

DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get purge -y -qq "${names[@]}" < /dev/null > "$work/apt.log" \
    || { cat "$work/apt.log"; exit 1; }
left=$(echo "$installed_files" | while read -r path; do [ ! -e "$path" ] || echo "$path"; done)
if [ -n "$left" ]; then
    echo "left under /usr after the purge:" >&2
    echo "$left" >&2
    exit 1
fi
echo "purged: nothing of theirs is left"
