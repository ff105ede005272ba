#!/usr/bin/env bash
# The layering of docs/design.md §1, checked on the sources: core is pure (no libgit2, OpenSSL,
# yaml-cpp, JSON, file system, environment or printing), and no layer includes one above it.
source "$(dirname "$0")/lib.sh" "$@"
cd "$SOURCE_DIR"

# forbid LAYER_DIRS PATTERN WHY
forbid() {
  local dirs=$1 pattern=$2 why=$3 hits
  hits=$(grep -rnE "$pattern" $dirs || true)
  if [ -z "$hits" ]; then pass "$why"; else fail "$why: $hits"; fi
}

core="src/core include/docket/core"
forbid "$core" '#include <(git2|openssl/|yaml-cpp/|nlohmann/|filesystem|fstream|iostream|CLI/)' "core includes no I/O library"
forbid "$core" '(getenv|std::cout|std::cerr|\bprintf\(|fopen|std::ofstream|std::ifstream|system\()' "core reads no environment and prints nothing"
forbid "$core" '#include "docket/(crypto|codec|store|app)/' "core includes no other layer"
forbid "src/crypto include/docket/crypto" '#include "docket/(codec|store|app)/' "crypto includes only core"
forbid "src/codec include/docket/codec" '#include "docket/(store|app)/|#include <git2' "codec includes no store or app"
forbid "src/store include/docket/store" '#include "docket/(codec|app)/|#include <(yaml-cpp|nlohmann)' "store includes no codec or app"
hits=$(grep -rln '#include <CLI/' src include | grep -v '^src/cli/' || true)
[ -z "$hits" ] && pass "only cli uses CLI11" || fail "CLI11 outside cli: $hits"
hits=$(grep -rnE '(std::cout|std::cerr|getenv)' src/app src/store src/codec src/crypto include || true)
[ -z "$hits" ] && pass "only cli prints or reads the environment" || fail "printing/env outside cli: $hits"
hits=$(grep -rnE '\bgit_[a-z_]+_free\(|git_buf_dispose\(' src include | grep -v 'src/store/git_handles.hpp' || true)
[ -z "$hits" ] && pass "libgit2 handles are freed only in their wrapper" || fail "raw git free calls: $hits"
hits=$(grep -rnE '\b(EVP_[A-Z_]+_free|BIO_free|OPENSSL_free)\(' src include | grep -v 'src/crypto/openssl_handles.hpp' || true)
[ -z "$hits" ] && pass "OpenSSL handles are freed only in their wrapper" || fail "raw OpenSSL free calls: $hits"
finish
