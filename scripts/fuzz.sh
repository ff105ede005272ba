#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/, docs/fuzzing.md) with clang, AddressSanitizer and
# UndefinedBehaviorSanitizer in build/fuzz, then runs each target for SECONDS (default 20) as
# ctest's `fuzz` label. CI runs it after the other tests (scripts/test.sh); a long run is
# `bash scripts/fuzz.sh 1800`. Arguments after SECONDS go to ctest (e.g. `-R sarif`).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-20}
shift $(($# > 0 ? 1 : 0))
bash scripts/install-deps.sh
build_dir=${DOCKET_FUZZ_BUILD_DIR:-build/fuzz}
jobs=${DOCKET_JOBS:-$(nproc)}
cxx=$(command -v clang++ || command -v clang++-14)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
# -O1 keeps the sanitizers' reports readable while the targets run several times faster than -O0.
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DDOCKET_FUZZ=ON -DDOCKET_BUILD_TESTS=OFF -DDOCKET_WERROR=ON \
  -DDOCKET_FUZZ_SECONDS="$seconds" "${launcher[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" --target docket_fuzzers
ctest --test-dir "$build_dir" -L fuzz --output-on-failure -j "$jobs" "$@"
