#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds with warnings as errors, runs every
# test (unit, generator golden cases, and the lab on real systemd, dockerd, rpm and dnf).
# --quick: the quick gate, the tests labelled quick (unit, golden, cli, install, layout, lint:
# a few minutes, no lab, no sanitize or fuzz build). Other arguments go to ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=()
if [[ ${1:-} == --quick ]]; then
  quick=(-L quick)
  shift
fi
# Asks the package manager only for what is missing (apt): a second run costs a second.
tools/install-deps.sh
build=${BUILD_DIR:-build}
# The /usr prefix, as packages use it: the config then goes to /etc.
cmake -S . -B "$build" -DDFG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "${quick[@]}" "$@"
