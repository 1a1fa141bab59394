#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The README's test command, and what CI runs: installs what is needed, then
#   1. builds the libFuzzer targets with clang and runs each for a bounded time,
#   2. builds everything with AddressSanitizer and UndefinedBehaviorSanitizer and runs
#      the whole suite,
#   3. builds everything with warnings as errors and runs the whole suite (last, so the
#      output ends with its summary),
# then prints the wall time of each phase, and ctest's summary of the last one again.
#   0. checks the formatting (clang-format) before anything is built,
#   and between 2 and 3 builds the Debian packages and checks them with lintian, and
#   builds the API reference with every missing documentation comment an error.
# XDMESSAGING_FUZZ_SECONDS (default 60) bounds each fuzzer; 0 skips fuzzing, and
# XDMESSAGING_SANITIZERS=0 skips the sanitizer build, for a quick local run.
# XDMESSAGING_PACKAGES: "install" (the default in CI, CI=true) also installs the
# packages on this machine, tests them there and purges them; "build" (the default
# elsewhere) only builds and checks them; 0 skips them.
set -euo pipefail
cd "$(dirname "$0")/.."

# Wall time of each phase, printed at the end, so a CI that grows slower is seen long
# before it reaches its limit.
phase_times=()
phase_started=$SECONDS
end_phase() {
    phase_times+=("$(printf '%-12s %5d s' "$1" $((SECONDS - phase_started)))")
    phase_started=$SECONDS
}
print_phase_times() {
    echo "== wall time per phase"
    printf '%s\n' "${phase_times[@]}"
    printf '%-12s %5d s\n' total "$SECONDS"
}

scripts/install-deps.sh
end_phase install
jobs=$(nproc)
fuzz_seconds=${XDMESSAGING_FUZZ_SECONDS:-60}
sanitizers=${XDMESSAGING_SANITIZERS:-1}
if [ "${CI:-}" = true ]; then packages=${XDMESSAGING_PACKAGES:-install}; else packages=${XDMESSAGING_PACKAGES:-build}; fi

echo "== formatting (clang-format-14)"
git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format-14 --dry-run -Werror
end_phase format

# Runs one libFuzzer target for fuzz_seconds from its corpus; fails on a crash. New
# inputs go to a scratch directory; a crash input is written next to it, so it can be
# kept in the corpus as a regression test.
run_fuzzer() {
    local name work corpus
    name=$(basename "$1")
    corpus=tests/fuzz/corpus/${name#fuzz_}
    work=$(mktemp -d)
    if ! "$1" -max_total_time="$fuzz_seconds" -max_len=65536 -artifact_prefix="$work/" \
            "$work" "$corpus" < /dev/null > "$work/log" 2>&1; then
        tail -40 "$work/log"
        echo "fuzzer $name found a crash; inputs in $work" >&2
        return 1
    fi
    echo "$name: $(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$work/log" || echo done)"
    rm -rf "$work"
}

if [ "$fuzz_seconds" -gt 0 ]; then
    echo "== fuzzing (${fuzz_seconds} s per target)"
    CXX=clang++-14 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF \
        -DXDMESSAGING_BUILD_TOOLS=OFF -DXDMESSAGING_BUILD_MESSENGER=OFF -DXDMESSAGING_BUILD_BENCH=OFF \
        -DXDMESSAGING_BUILD_FUZZERS=ON < /dev/null > /dev/null
    cmake --build build-fuzz -j"$jobs" < /dev/null > /dev/null
    # One fuzzer per core at a time: each still runs its whole time, the phase is shorter.
    # A batch is waited for whole even when one of it failed: the others end by their own
    # time bound, and none is left running behind the script.
    fuzzers=()
    for fuzzer in build-fuzz/tests/fuzz/fuzz_*; do
        [ -f "$fuzzer" ] && [ -x "$fuzzer" ] && fuzzers+=("$fuzzer")
    done
    fuzz_status=0
    for ((first = 0; first < ${#fuzzers[@]}; first += jobs)); do
        batch=()
        for fuzzer in "${fuzzers[@]:first:jobs}"; do
            run_fuzzer "$fuzzer" & batch+=($!)
        done
        for pid in "${batch[@]}"; do wait "$pid" || fuzz_status=1; done
        [ "$fuzz_status" = 0 ] || exit 1
    done
    end_phase fuzzing
fi

if [ "$sanitizers" != 0 ]; then
    echo "== AddressSanitizer + UndefinedBehaviorSanitizer"
    sanitize="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DBUILD_TESTING=ON \
        -DXDMESSAGING_WARNINGS_AS_ERRORS=ON -DXDMESSAGING_BUILD_BENCH=OFF \
        "-DCMAKE_CXX_FLAGS=$sanitize" "-DCMAKE_EXE_LINKER_FLAGS=$sanitize" \
        "-DCMAKE_SHARED_LINKER_FLAGS=$sanitize" < /dev/null > /dev/null
    cmake --build build-asan -j"$jobs" < /dev/null > /dev/null
    # The install test builds a separate, unsanitized project against the library.
    asan_status=0
    ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
        ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600 \
        -E install-consumer < /dev/null || asan_status=$?
    end_phase sanitizers
    if [ "$asan_status" != 0 ]; then
        print_phase_times
        exit "$asan_status"
    fi
fi

if [ "$packages" != 0 ]; then
    echo "== Debian packages"
    if [ "$packages" = install ]; then scripts/packages.sh --install; else scripts/packages.sh; fi
    end_phase packages
fi

echo "== release build, warnings as errors; API reference"
build_dir=${XDMESSAGING_BUILD_DIR:-build-tests}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=ON \
      -DXDMESSAGING_WARNINGS_AS_ERRORS=ON -DXDMESSAGING_DOCS_WARNINGS_AS_ERRORS=ON < /dev/null > /dev/null
cmake --build "$build_dir" -j"$jobs" < /dev/null > /dev/null
cmake --build "$build_dir" --target docs < /dev/null > "$build_dir/docs.log" 2>&1 || { cat "$build_dir/docs.log"; exit 1; }
echo "API reference: $build_dir/docs/html/index.html, $build_dir/docs/XDMessaging.qch"
release_status=0
ctest --test-dir "$build_dir" --output-on-failure -j"$jobs" --timeout 600 < /dev/null \
    | tee "$build_dir/ctest-summary.log" || release_status=$?
end_phase release
print_phase_times
# The output ends, as runners and readers expect, with ctest's summary.
echo "== ctest summary (release build)"
sed -n '/tests passed, /,$p' "$build_dir/ctest-summary.log"
exit "$release_status"
