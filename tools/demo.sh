#!/usr/bin/env bash
# The main job end to end: build, stage an install, then in a lab host (systemd as PID 1,
# dockerd, iptables, in a container with no network) show the seed's bug without the
# project and the guard curing it. Never touches this machine's own firewall.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
cmake --build "$build" -j"$(nproc)"
rm -rf "$build/stage"
DESTDIR=$PWD/$build/stage cmake --install "$build" >/dev/null
echo "== installed files (DESTDIR=$build/stage):"
(cd "$build/stage" && find . -type f -printf '   /%P\n')

export LAB_BUILD_DIR=$PWD/$build
trap 'bash tests/lab/engine-cleanup.sh' EXIT
bash tests/lab/image.sh
bash tests/lab/build-rpms.sh
echo "== without the project: an iptables restart leaves containers offline"
bash tests/lab/baseline.sh iptables restart
echo "== with the generator: the same event, then a dnf upgrade of iptables-services"
bash tests/lab/generator.sh iptables restart
bash tests/lab/generator.sh iptables upgrade
echo "== done: the guard brought the container back online by itself"
