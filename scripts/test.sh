#!/usr/bin/env bash
# Installs what is missing, builds docket with AddressSanitizer and UndefinedBehaviorSanitizer,
# and runs every test (unit and integration) under ctest. This is the README's test command
# and what CI (.ci/run) runs.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
build_dir=${DOCKET_BUILD_DIR:-build/test}
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDOCKET_SANITIZE=ON -DDOCKET_WERROR=ON
cmake --build "$build_dir" -j "$(nproc)"
# Leak checking is off: libgit2 keeps process-wide caches that LeakSanitizer reports at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc)" -LE soak "$@"
