#!/usr/bin/env bash
# The whole test suite: installs what it needs, builds with warnings as errors, runs every
# test (unit, generator golden cases, and the lab on real systemd, dockerd, rpm and dnf).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
build=${BUILD_DIR:-build}
# The /usr prefix, as packages use it: the config then goes to /etc.
cmake -S . -B "$build" -DDFG_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr
cmake --build "$build" -j"$(nproc)"
cd "$build"
ctest --output-on-failure -j"$(nproc)" "$@"
