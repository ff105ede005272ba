#!/usr/bin/env bash
# Builds the Debian package of docket: bash scripts/package.sh [OUTDIR]
#
# Installs what is missing (scripts/install-deps.sh --package), makes a Release build with
# Debian's hardening flags in its own build folder (DOCKET_PACKAGE_BUILD_DIR, default
# build/package; ccache when installed), installs it into a staging root with `cmake --install`,
# and builds OUTDIR/docket_<version>_<arch>.deb (OUTDIR defaults to the build folder) with the
# dpkg tools:
#   - Depends: the shared libraries the binary links, computed by dpkg-shlibdeps from the binary
#     (so the package follows the libraries of the release it is built on), plus git and
#     openssh-client, which docket runs;
#   - /usr/share/doc/docket/copyright (machine-readable, Apache-2.0; packaging/deb/copyright)
#     and changelog.gz, man pages compressed with gzip -9n, a stripped binary, 0755 directories
#     and 0644 files owned by root.
# The package is native (built from docket's own tree), so its version is the project's
# (CMakeLists.txt project(VERSION), what `docket --version` prints) and its changelog is
# changelog.gz. Maintainer: DOCKET_PACKAGE_MAINTAINER ("Name <e-mail>"), default in
# packaging/deb/control. The last line on stdout is the path of the .deb; the rest goes to
# stderr.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

if [ $# -gt 1 ]; then
  echo "package.sh: too many arguments; usage: bash scripts/package.sh [OUTDIR]" >&2
  exit 2
fi
build_dir=${DOCKET_PACKAGE_BUILD_DIR:-build/package}
outdir=${1:-$build_dir}

{
  bash scripts/install-deps.sh --package

  # Debian's build flags (hardening: stack protector, _FORTIFY_SOURCE, full RELRO, bind now),
  # without -g: the binary is stripped anyway.
  export DEB_BUILD_MAINT_OPTIONS=hardening=+all DEB_CXXFLAGS_MAINT_STRIP=-g
  launcher=()
  if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr \
    -DDOCKET_BUILD_TESTS=OFF -DDOCKET_SANITIZE=OFF -DDOCKET_FUZZ=OFF -DDOCKET_WERROR=OFF \
    "${launcher[@]}" \
    "-DCMAKE_CXX_FLAGS=$(dpkg-buildflags --get CPPFLAGS) $(dpkg-buildflags --get CXXFLAGS)" \
    "-DCMAKE_EXE_LINKER_FLAGS=$(dpkg-buildflags --get LDFLAGS)"
  cmake --build "$build_dir" -j "$(nproc)"
} >&2

version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build_dir/CMakeCache.txt")
if [ -z "$version" ]; then
  echo "package.sh: no CMAKE_PROJECT_VERSION in $build_dir/CMakeCache.txt; delete $build_dir and run again" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
work=$(cd "$build_dir" && pwd)/deb
stage=$work/root
rm -rf "$work"
mkdir -p "$stage" "$work/src/debian" "$outdir"
deb=$(cd "$outdir" && pwd)/docket_${version}_${arch}.deb

{
  DESTDIR=$stage cmake --install "$build_dir"
  binary=$stage/usr/bin/docket
  # As dh_strip does for executables.
  strip --remove-section=.comment --remove-section=.note "$binary"
  find "$stage/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +

  # The changelog: one entry for this version, dated by the last commit (the same tree gives
  # the same package).
  if date_epoch=$(git -C "$src" log -1 --format=%ct 2>/dev/null) && [ -n "$date_epoch" ]; then
    commit=" (git $(git -C "$src" describe --always --dirty --abbrev=12))"
  else
    date_epoch=${SOURCE_DATE_EPOCH:-$(date +%s)}
    commit=""
  fi
  export SOURCE_DATE_EPOCH=$date_epoch
  maintainer=${DOCKET_PACKAGE_MAINTAINER:-$(sed -n 's/^Maintainer: //p' packaging/deb/control)}
  cat >"$work/src/debian/changelog" <<EOF
docket ($version) unstable; urgency=medium

  * docket $version, built from the docket source tree$commit
    by scripts/package.sh.

 -- $maintainer  $(LC_ALL=C date -u -R -d "@$date_epoch")
EOF
  cp packaging/deb/control "$work/src/debian/control"
  doc=$stage/usr/share/doc/docket
  mkdir -p "$doc" "$stage/DEBIAN"
  cp packaging/deb/copyright "$doc/copyright"
  gzip -9n <"$work/src/debian/changelog" >"$doc/changelog.gz"

  # Permissions as Debian wants them, whatever the umask was.
  find "$stage" -type d -exec chmod 0755 {} +
  find "$stage" -type f -exec chmod 0644 {} +
  chmod 0755 "$binary"

  # Depends from the binary's NEEDED libraries and the shlibs/symbols files of the packages that
  # provide them, then the control file (Installed-Size counted by dpkg-gencontrol).
  (
    cd "$work/src"
    dpkg-shlibdeps -Tdebian/substvars "$binary"
    gencontrol=(dpkg-gencontrol -pdocket "-P$stage" -Tdebian/substvars)
    if [ -n "${DOCKET_PACKAGE_MAINTAINER-}" ]; then gencontrol+=("-DMaintainer=$maintainer"); fi
    "${gencontrol[@]}"
  )
  (cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z |
    xargs -0 md5sum >DEBIAN/md5sums)
  chmod 0644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
  find "$stage" -exec touch -h -d "@$date_epoch" {} +

  dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb"
  echo "package.sh: Depends: $(dpkg-deb -f "$deb" Depends)"
} >&2
echo "$deb"
