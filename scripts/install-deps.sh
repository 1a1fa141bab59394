#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs, from Debian 12's packages, everything the build, the demo and the tests
# need. Does nothing when all of it is already there. Runs without standard input.
set -euo pipefail

packages=(
    # build
    build-essential cmake pkg-config
    # Qt 6: core, widgets, test, linguist tools, SVG icons, the xcb platform
    qt6-base-dev qt6-base-dev-tools qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
    libqt6svg6 qt6-qpa-plugins libgl-dev fonts-dejavu-core
    # the QML module, its Qt Quick Test, and the QML Messenger (Qt Quick Controls)
    qt6-declarative-dev qml6-module-qttest qml6-module-qtquick qml6-module-qtquick-controls
    qml6-module-qtquick-layouts qml6-module-qtquick-templates qml6-module-qtquick-window
    qml6-module-qtqml qml6-module-qtqml-models qml6-module-qtqml-workerscript
    # native-window transport (X11 through xcb) and a display server for demo and tests
    libxcb1-dev xvfb xauth x11-utils imagemagick
    # the benchmark's peers: a private D-Bus daemon, ZeroMQ (libzmq and cppzmq), Qt Remote
    # Objects (with repc), iceoryx (its RouDi daemon and the posh library)
    dbus-daemon dbus-bin libzmq3-dev cppzmq-dev qt6-remoteobjects-dev iceoryx libiceoryx-posh-dev
    # oneshot-send's peak memory of a sending process (GNU time); instructions per message
    # (scripts/bench-instructions.sh)
    time valgrind
    # the benchmark's chart (scripts/bench-chart.sh: python3 reads the JSON, gnuplot draws)
    gnuplot-nox python3
    # network transport (Redis through hiredis) and a Redis server for its tests
    libhiredis-dev redis-server
    # fuzzing and sanitizers (clang's libFuzzer and runtimes); setpriv for security tests
    clang-14 libfuzzer-14-dev libclang-rt-14-dev util-linux
    # formatting check, API reference (Doxygen, qhelpgenerator), Debian packages (CPack's
    # dpkg-shlibdeps and file, lintian, man to render the man page)
    clang-format-14 doxygen qt6-documentation-tools dpkg-dev file lintian man-db
)

missing=()
for package in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
        || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
    exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq < /dev/null
"${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" < /dev/null
