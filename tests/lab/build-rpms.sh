#!/usr/bin/env bash
# Builds the fixture RPMs (noarch, with this machine's Debian rpmbuild) into
# $LAB_BUILD_DIR/lab/rpms: two versions of each stand-in, so that tests can upgrade from the
# older to the newer, and lab-base, the Debian system's capabilities for rpm's database. Hosts serve that folder as a dnf repository (see lab_repo_setup).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fixtures=$LAB_DIR/fixtures
out=$LAB_BUILD_DIR/lab/rpms
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
rm -rf "$out"
mkdir -p "$out"

build() { # SPEC RELEASE
  rpmbuild -bb --quiet --nodeps --load "$fixtures/fixture.macros" \
    --define "_topdir $top" --define "_sourcedir $fixtures" --define "_rpmdir $out" \
    --define '_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm' \
    --define "fixture_release $2" "$fixtures/$1.spec" >&2
}

build lab-base 1
for fw in "${!LAB_FW_PACKAGE[@]}"; do
  for version in "${LAB_FW_OLD[$fw]}" "${LAB_FW_NEW[$fw]}"; do
    build "${LAB_FW_PACKAGE[$fw]}" "${version##*-}"
  done
done
ls "$out"
