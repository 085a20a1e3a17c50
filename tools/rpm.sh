#!/usr/bin/env bash
# Builds docker-firewall-guard's RPMs into OUTDIR: the source RPM from this working tree (every
# file git tracks or would add, as it is now), then the binary RPMs from that source RPM, as a
# build system would. With SRPM, only the second step. Natively on Fedora and EL; on Debian
# with rpm/debian.macros, for the lab's Debian hosts (those RPMs link Debian's libraries).
# Extra rpmbuild options may follow, for example --nocheck.
# Usage: tools/rpm.sh OUTDIR [SRPM] [RPMBUILD-OPTION...]
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: tools/rpm.sh OUTDIR [SRPM] [RPMBUILD-OPTION...]}
shift
srpm=
if [[ ${1:-} == *.src.rpm ]]; then srpm=$(realpath "$1"); shift; fi
mkdir -p "$out"
out=$(realpath "$out")
spec=$src/rpm/docker-firewall-guard.spec

top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
opts=(--define "_topdir $top" --define "_srcrpmdir $out" --define "_rpmdir $out"
      --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm')
# Debian's rpm knows none of Fedora's macros, and dpkg, not rpm, has the build dependencies.
if [[ -z $(rpm --eval '%{?_unitdir}') ]]; then
  opts+=(--load "$src/rpm/debian.macros" --nodeps)
fi

if [[ -z $srpm ]]; then
  version=$(sed -n 's/^Version: *//p' "$spec")
  cmake_version=$(sed -n 's/^project(docker-firewall-guard VERSION \([0-9.]*\).*/\1/p' \
    "$src/CMakeLists.txt")
  [[ $version == "$cmake_version" ]] ||
    { echo "rpm.sh: the spec's Version $version is not CMakeLists.txt's $cmake_version" >&2; exit 1; }
  name=docker-firewall-guard-$version
  mkdir -p "$top/SOURCES"
  (cd "$src" && git ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' f; do [[ -e $f || -L $f ]] && printf '%s\0' "$f"; done |
    tar --null -T - --transform "s,^,$name/,S" -czf "$top/SOURCES/$name.tar.gz")
  rpmbuild -bs --quiet "${opts[@]}" "$@" "$spec" >/dev/null
  srpm=$(ls "$out"/docker-firewall-guard-"$version"-*.src.rpm)
fi
# The whole log (the build, %check's tests) beside the packages; its end when it fails.
if ! rpmbuild --rebuild "${opts[@]}" "$@" "$srpm" >"$out/rpmbuild.log" 2>&1; then
  tail -n 60 "$out/rpmbuild.log" >&2
  echo "rpm.sh: rpmbuild failed; the whole log: $out/rpmbuild.log" >&2
  exit 1
fi
(cd "$out" && ls -- *.rpm)
