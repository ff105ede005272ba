#!/usr/bin/env bash
# Installs, with apt-get, whatever docket needs to build and test that is not installed yet, and
# with npm the scanners the tests run for real (tests/tools/*/package-lock.json, pinned).
# `install-deps.sh --package` installs only what scripts/package.sh needs to build the .deb.
# Safe to run again: it does nothing when everything is present.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=all
case ${1-} in
  "") ;;
  --package) mode=package ;;
  *) echo "install-deps: unknown argument '$1'; use no argument (build and test) or --package (build the .deb only)" >&2
     exit 2 ;;
esac

# Building docket, and the .deb (dpkg-dev: dpkg-buildflags, dpkg-shlibdeps, dpkg-gencontrol).
packages=(
  build-essential cmake ninja-build pkg-config git openssh-client
  libgit2-dev libyaml-cpp-dev libcli11-dev libssl-dev nlohmann-json3-dev dpkg-dev
)
# Testing (lintian and mmdebstrap: tests/integration/test_package.sh checks and installs the .deb).
if [ "$mode" = all ]; then
  packages+=(
    doctest-dev man-db python3 python3-yaml python3-jsonschema jq zsh fish hyperfine time openssl procps
    clang-14 libclang-rt-14-dev llvm-14 lintian mmdebstrap
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js and npm for the npm-installed test tools: Debian's, unless a node and npm are already
# on PATH (another packaging of Node.js, whose npm Debian's npm package would conflict with).
if [ "$mode" = all ] && { ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; }; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all needed packages are installed"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test tools from npm (secretlint for tests/integration/test_export.sh): exactly the versions in
# each folder's package-lock.json (`npm ci`, install scripts off), again only when the lock file
# changed since the last install.
[ "$mode" = all ] || exit 0
for lock in tests/tools/*/package-lock.json; do
  [ -f "$lock" ] || continue
  dir=$(dirname "$lock")
  stamp="$dir/node_modules/.docket-installed-lock"
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then continue; fi
  echo "install-deps: npm ci in $dir"
  (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
done
