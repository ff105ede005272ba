#!/usr/bin/env bash
# Runs one fuzz target for a bounded time: what ctest's fuzz.<name> tests run (fuzz/CMakeLists.txt).
# Usage: run_fuzzer.sh FUZZER SECONDS WORK_CORPUS SEED_CORPUS ARTIFACT_DIR [LIBFUZZER OPTIONS...]
# New inputs go to WORK_CORPUS (in the build folder); SEED_CORPUS (fuzz/corpus/<name> in the
# source tree) is only read. A crash, leak, timeout or broken invariant fails the test and leaves
# the input in ARTIFACT_DIR; reproduce it with `FUZZER FILE`.
set -euo pipefail

fuzzer=$1 seconds=$2 work=$3 seeds=$4 artifacts=$5
shift 5
mkdir -p "$work" "$artifacts"
# The targets touch no libgit2, so leaks are checked; UBSan findings stop the run.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: $(basename "$fuzzer") failed (exit $status); inputs kept in $artifacts:" >&2
  ls -l "$artifacts" >&2 || true
fi
exit "$status"
