#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Installs what is needed, builds everything with warnings as errors, and runs the whole
# test suite. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
build_dir=${XDMESSAGING_BUILD_DIR:-build-tests}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
      -DXDMESSAGING_WARNINGS_AS_ERRORS=ON < /dev/null
cmake --build "$build_dir" -j"$(nproc)" < /dev/null
ctest --test-dir "$build_dir" --output-on-failure -j"$(nproc)" --timeout 300 < /dev/null
