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

# The lab host's generation: bookworm (systemd 252, Docker 20.10), trixie (257, 26.1) or
# forky (262, 28.5); the project is built again inside that generation, as its distribution
# would build it.
export LAB_BUILD_DIR=$PWD/$build LAB_GEN=${LAB_GEN:-bookworm}
trap 'bash tests/lab/engine.sh cleanup' EXIT
bash tests/lab/engine.sh up
bash tests/lab/image.sh
bash tests/lab/build.sh
bash tests/lab/build-rpms.sh
echo "== $LAB_GEN, without the project: an iptables restart leaves containers offline"
bash tests/lab/baseline.sh iptables restart
echo "== $LAB_GEN, with the generator: the same event, then a dnf upgrade of iptables-services"
bash tests/lab/generator.sh iptables restart
bash tests/lab/generator.sh iptables upgrade
echo "== done: the guard brought the container back online by itself"
