#!/usr/bin/env bash
# Builds docker-firewall-guard's Debian packages into OUTDIR, the Debian way (debian/,
# debhelper), from this working tree (every file git tracks or would add, as it is now, copied
# apart): the source package (.dsc and .tar.xz, as tools/rpm.sh makes the source RPM) and the
# .deb. Then runs lintian on both and prints what it says; fails on a lintian error. The
# build runs the tests as the RPM's %check does; DEB_BUILD_OPTIONS=nocheck skips them (and
# turns on the nocheck build profile, so their build dependencies need not be installed).
# Extra dpkg-buildpackage options may follow, for example -j1 (the default is -jauto).
# The whole build log: OUTDIR/dpkg-buildpackage.log; lintian's: OUTDIR/lintian.log.
# Usage: [DEB_BUILD_OPTIONS=nocheck] tools/deb.sh OUTDIR [DPKG-BUILDPACKAGE-OPTION...]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/deb.sh OUTDIR [DPKG-BUILDPACKAGE-OPTION...]}
shift
mkdir -p "$out"
out=$(realpath "$out")

version=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
cmake_version=$(sed -n 's/^project(docker-firewall-guard VERSION \([0-9.]*\).*/\1/p' \
  "$src/CMakeLists.txt")
[[ $version == "$cmake_version" ]] ||
  { echo "deb.sh: debian/changelog's $version is not CMakeLists.txt's $cmake_version" >&2; exit 1; }

top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
tree=$top/docker-firewall-guard-$version
mkdir "$tree"
(cd "$src" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -xf - -C "$tree"

opts=(-us -uc -jauto)
[[ " ${DEB_BUILD_OPTIONS:-} " == *" nocheck "* ]] && opts+=(-Pnocheck)
if ! (cd "$tree" && dpkg-buildpackage "${opts[@]}" "$@") >"$out/dpkg-buildpackage.log" 2>&1; then
  tail -n 60 "$out/dpkg-buildpackage.log" >&2
  echo "deb.sh: dpkg-buildpackage failed; the whole log: $out/dpkg-buildpackage.log" >&2
  exit 1
fi
# What this build made replaces an older build's in OUTDIR.
rm -f "$out"/docker-firewall-guard_* "$out"/docker-firewall-guard-dbgsym_*
mv "$top"/docker-firewall-guard_* "$top"/docker-firewall-guard-dbgsym_* "$out"/
changes=$(ls "$out"/docker-firewall-guard_"$version"_*.changes)

# The source package, the .deb, its debug symbols and the .buildinfo, as the .changes lists
# them; errors fail. Printed: every tag lintian reports, and the overridden ones counted by
# tag (debian/*lintian-overrides say why); the whole output: OUTDIR/lintian.log.
status=0
lintian --fail-on error --show-overrides "$changes" >"$out/lintian.log" 2>&1 || status=$?
grep -v '^[ON]: ' "$out/lintian.log" || true
grep '^O: ' "$out/lintian.log" | sed -E 's/^O: ([^:]*): ([^ ]*).*/\1: \2/' | sort | uniq -c |
  sed -E 's/^ *([0-9]+) (.*)/overridden: \2 (\1 times)/' || true
(cd "$out" && ls -- *.deb)
if ((status)); then echo "deb.sh: lintian found errors (above)" >&2; fi
exit "$status"
