#!/usr/bin/env bash
# Installs what is missing, builds docket with AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs every test (unit and integration) under ctest, then a short pass of every fuzz target
# (scripts/fuzz.sh, DOCKET_FUZZ_SECONDS each, default 20; 0 skips it). This is the README's test
# command and what CI (.ci/run) runs. Arguments go to ctest and select tests of the normal build;
# with arguments the fuzz pass is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build_dir=${DOCKET_BUILD_DIR:-build/test}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDOCKET_SANITIZE=ON -DDOCKET_WERROR=ON
cmake --build "$build_dir" -j "$(nproc)"
# Leak checking is off: libgit2 keeps process-wide caches that LeakSanitizer reports at exit.
# (The fuzz targets touch no libgit2 and check leaks: these settings are for this ctest only.)
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" -LE soak "$@"

fuzz_seconds=${DOCKET_FUZZ_SECONDS:-20}
if [ $# -eq 0 ] && [ "$fuzz_seconds" != 0 ]; then
  bash scripts/fuzz.sh "$fuzz_seconds"
fi
