#!/usr/bin/env bash
# The Debian package (scripts/package.sh): builds the .deb (a Release build, minutes: this test
# does not use the binary ctest passes), checks its contents, runs lintian (no errors allowed),
# then installs it with `apt-get install ./docket_*.deb` into a throw-away root and checks
# `docket --version`, `man docket-approve` and bash completion there, and removes it again.
#
# Where it installs, DOCKET_PACKAGE_TEST_INSTALL:
#   chroot (default)  a minimal chroot of this machine's Debian release made by mmdebstrap
#                     (needs root or unprivileged user namespaces, and the Debian mirror);
#                     the machine itself is not changed.
#   system            this machine, with apt-get as root (or sudo), then `apt-get purge`; refused
#                     when a docket package is already installed. For throw-away machines only.
# DOCKET_PACKAGE_DEB=path/to/docket_*.deb checks that package instead of building one.
# DOCKET_PACKAGE_TEST_MIRROR: the mirror mmdebstrap uses (default: its own, deb.debian.org).
source "$(dirname "$0")/lib.sh" "$@"
cd "$SOURCE_DIR"

version=$(sed -n 's/^project(docket VERSION \([0-9.]*\) .*/\1/p' CMakeLists.txt)
[ -n "$version" ] || { echo "no project(docket VERSION ...) in CMakeLists.txt" >&2; exit 1; }

if [ -n "${DOCKET_PACKAGE_DEB-}" ]; then
  deb=$(realpath "$DOCKET_PACKAGE_DEB")
  echo "# checking the given package $deb"
else
  start=$SECONDS
  out=$(bash scripts/package.sh "$WORK/out") || { echo "scripts/package.sh failed" >&2; exit 1; }
  deb=$(tail -n 1 <<<"$out")
  echo "# scripts/package.sh built $deb in $((SECONDS - start)) s"
fi
[ -f "$deb" ] && pass "the package is $deb" || { fail "no package at '$deb'"; finish; }
arch=$(dpkg --print-architecture)
[ "$(basename "$deb")" = "docket_${version}_${arch}.deb" ] && pass "it is named docket_<version>_<arch>.deb" ||
  fail "package named $(basename "$deb"), wanted docket_${version}_${arch}.deb"

# --- The control fields ----------------------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
[ "$(field Package)" = docket ] && pass "Package: docket" || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] && pass "Version: $version, the project's" || fail "Version: $(field Version), wanted $version"
[ "$(field Architecture)" = "$arch" ] && pass "Architecture: $arch" || fail "Architecture: $(field Architecture)"
depends=$(field Depends)
echo "# Depends: $depends"
for tool in git openssh-client; do
  grep -qE "(^|, )$tool(,| |$)" <<<"$depends" && pass "Depends names $tool, which docket runs" || fail "Depends lacks $tool: $depends"
done
# Every library the binary needs is provided by a package named in Depends, with a version
# bound: what dpkg-shlibdeps computes from the binary, not a list typed in.
mkdir -p "$WORK/x"
dpkg-deb -x "$deb" "$WORK/x"
binary=$WORK/x/usr/bin/docket
needed=$(objdump -p "$binary" | awk '$1 == "NEEDED" {print $2}')
[ -n "$needed" ] || fail "objdump found no NEEDED libraries in the packaged binary"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for lib in $needed; do
  owner=$(dpkg -S "*/$multiarch/$lib" 2>/dev/null | head -n 1 | cut -d: -f1 || true)
  if [ -z "$owner" ]; then fail "no installed package provides $lib"; continue; fi
  if awk -v p="$owner" 'BEGIN { RS = ", *" } $1 == p && $2 == "(>=" { found = 1 } END { exit !found }' <<<"$depends"; then
    pass "Depends names $owner (>= ...) for $lib"
  else
    fail "$lib comes from $owner, which Depends does not name with a version: $depends"
  fi
done

# --- The files: paths, modes, owners, compression -------------------------------------------
listing=$(dpkg-deb -c "$deb")
bad=$(awk '$2 != "root/root"' <<<"$listing")
[ -z "$bad" ] && pass "every file is owned by root:root" || fail "files not owned by root:root: $bad"
bad=$(awk '$1 ~ /^d/ && $1 != "drwxr-xr-x"' <<<"$listing")
[ -z "$bad" ] && pass "every directory is 0755" || fail "directories not 0755: $bad"
bad=$(awk '$1 ~ /^-/ && $1 != "-rw-r--r--" && $NF != "./usr/bin/docket"' <<<"$listing")
[ -z "$bad" ] && pass "every file but the binary is 0644" || fail "files not 0644: $bad"
grep -qE '^-rwxr-xr-x .* \./usr/bin/docket$' <<<"$listing" && pass "/usr/bin/docket is 0755" ||
  fail "/usr/bin/docket is not 0755: $(grep usr/bin/docket <<<"$listing")"
readelf -S "$binary" | grep -qF .symtab && fail "/usr/bin/docket is not stripped (has .symtab)" ||
  pass "/usr/bin/docket is stripped"
readelf -d "$binary" | grep -qE 'BIND_NOW|FLAGS.*NOW' && pass "/usr/bin/docket is linked with -z now" ||
  fail "/usr/bin/docket lacks BIND_NOW (Debian's hardening flags were not used)"
for f in usr/share/bash-completion/completions/docket usr/share/zsh/vendor-completions/_docket \
  usr/share/fish/vendor_completions.d/docket.fish usr/share/doc/docket/copyright \
  usr/share/doc/docket/changelog.gz usr/share/man/man1/docket.1.gz usr/share/man/man1/docket-approve.1.gz \
  usr/share/man/man5/docket.5.gz; do
  [ -f "$WORK/x/$f" ] && pass "/$f is in the package" || fail "/$f is not in the package"
done
pages=$(find "$WORK/x/usr/share/man" -type f | sort)
sources=$(find man -maxdepth 1 -name 'docket*.[0-9]' | wc -l)
[ "$(wc -l <<<"$pages")" -eq "$sources" ] && pass "all $sources man pages are packaged" ||
  fail "$(wc -l <<<"$pages") man pages packaged, $sources in man/"
# gzip -9n: compressed, with no file name (FLG byte 0) and no time stamp (MTIME 0) in the header.
bad=""
for gz in $pages "$WORK/x/usr/share/doc/docket/changelog.gz"; do
  header=$(od -An -tx1 -N8 "$gz" | tr -d ' \n')
  if [[ $header != 1f8b080000000000 ]] || ! gzip -t "$gz" 2>/dev/null; then bad+=" ${gz#"$WORK"/x} ($header)"; fi
done
[ -z "$bad" ] && pass "man pages and changelog are gzip -n files (no name, no time stamp)" ||
  fail "not gzip -n output:$bad"
copyright=$WORK/x/usr/share/doc/docket/copyright
grep -qx 'Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/' "$copyright" &&
  grep -qx 'License: Apache-2.0' "$copyright" && grep -qF /usr/share/common-licenses/Apache-2.0 "$copyright" &&
  pass "copyright is machine-readable and names Apache-2.0" || fail "copyright is not DEP-5 Apache-2.0: $(head -n 8 "$copyright")"
gzip -dc "$WORK/x/usr/share/doc/docket/changelog.gz" | head -n 1 | grep -qF "docket ($version)" &&
  pass "the changelog's entry is for $version" || fail "changelog.gz does not start with 'docket ($version)'"

# --- lintian: no errors -----------------------------------------------------------------------
lintian_out=$(lintian --fail-on error --display-level '>=pedantic' "$deb" 2>&1) && status=0 || status=$?
echo "# lintian: ${lintian_out:-(nothing to report)}"
[ "$status" -eq 0 ] && ! grep -q '^E:' <<<"$lintian_out" && pass "lintian reports no errors" ||
  fail "lintian reports errors (exit $status)"
! grep -q '^W:' <<<"$lintian_out" && pass "lintian reports no warnings" || fail "lintian reports warnings"

# --- apt-get install ./docket_*.deb, the checks, apt-get purge --------------------------------
install=${DOCKET_PACKAGE_TEST_INSTALL:-chroot}
check=$SOURCE_DIR/tests/integration/package_check_installed.sh
start=$SECONDS
case $install in
  chroot)
    # shellcheck disable=SC1091
    codename=$(. /etc/os-release && echo "${VERSION_CODENAME-}")
    [ -n "$codename" ] || { fail "/etc/os-release names no VERSION_CODENAME for mmdebstrap"; finish; }
    command -v mmdebstrap >/dev/null || { fail "mmdebstrap is not installed (bash scripts/install-deps.sh installs it)"; finish; }
    cp "$deb" "$check" "$WORK/"
    name=$(basename "$deb")
    mirror=()
    [ -z "${DOCKET_PACKAGE_TEST_MIRROR-}" ] || mirror=("$DOCKET_PACKAGE_TEST_MIRROR")
    apt_env='env DEBIAN_FRONTEND=noninteractive'
    # man-db's index is not needed to render a page and rebuilding it costs a minute: off.
    mkdir "$WORK/mmdebstrap"   # its own empty TMPDIR: mmdebstrap empties the folder it builds in
    if TMPDIR=$WORK/mmdebstrap mmdebstrap --quiet --variant=apt --format=null --include=man-db,bash-completion \
      --essential-hook='echo "man-db man-db/auto-update boolean false" | chroot "$1" debconf-set-selections' \
      --customize-hook="copy-in $WORK/$name $WORK/package_check_installed.sh /tmp" \
      --customize-hook="chroot \"\$1\" $apt_env apt-get install -y -q --no-install-recommends /tmp/$name" \
      --customize-hook="chroot \"\$1\" bash /tmp/package_check_installed.sh $version" \
      --customize-hook="chroot \"\$1\" $apt_env apt-get purge -y -q docket" \
      --customize-hook='chroot "$1" sh -c "! test -e /usr/bin/docket && ! dpkg -s docket >/dev/null 2>&1"' \
      "$codename" /dev/null "${mirror[@]}" >"$WORK/chroot.log" 2>&1; then
      grep -E '^(ok|not ok) - installed' "$WORK/chroot.log" || true
      pass "in a fresh $codename chroot: apt-get install ./$name, the installed checks, apt-get purge"
    else
      cat "$WORK/chroot.log" >&2
      fail "installing into a $codename chroot with mmdebstrap failed (log above); without a Debian mirror or user namespaces, set DOCKET_PACKAGE_TEST_INSTALL=system on a throw-away machine"
    fi
    ;;
  system)
    sudo_cmd=()
    if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
    if dpkg -s docket >/dev/null 2>&1; then
      fail "a docket package is already installed on this machine; not replacing it (use the default DOCKET_PACKAGE_TEST_INSTALL=chroot)"
      finish
    fi
    cp "$deb" "$WORK/"
    chmod 0755 "$WORK"   # apt's sandbox user must read the .deb
    if "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$WORK/$(basename "$deb")"; then
      pass "apt-get install ./$(basename "$deb") on this machine"
      bash "$check" "$version" && pass "the installed checks" || fail "the installed checks"
      "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q docket && ! dpkg -s docket >/dev/null 2>&1 &&
        pass "apt-get purge docket" || fail "apt-get purge docket"
    else
      fail "apt-get install of the package on this machine failed"
    fi
    ;;
  *)
    fail "DOCKET_PACKAGE_TEST_INSTALL is '$install'; use chroot (default) or system"
    ;;
esac
echo "# installing and checking ($install) took $((SECONDS - start)) s"
finish
