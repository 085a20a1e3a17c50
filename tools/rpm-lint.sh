#!/usr/bin/env bash
# Runs rpmlint, with rpm/rpmlintrc, on the RPMs in DIR (tools/rpm.sh DIR builds them); fails on
# any error. On Debian rpmlint reads the spec inside the source RPM with rpm/debian.macros.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:?usage: tools/rpm-lint.sh DIR}
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
[[ -n $(rpm --eval '%{?_unitdir}') ]] || cp "$src/rpm/debian.macros" "$home/.rpmmacros"
HOME=$home rpmlint -r "$src/rpm/rpmlintrc" "$dir"/*.rpm
