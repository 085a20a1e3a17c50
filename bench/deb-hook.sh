#!/usr/bin/env bash
# What the .deb's package hook adds to an unrelated apt transaction (bench/deb-hook-host.sh),
# in a lab host of this machine's own release, where the .deb built here installs.
# Usage: bench/deb-hook.sh [BUILD_DIR]   (default: build; the .deb in BUILD_DIR/tests/deb-out,
#        made by the deb test or tools/deb.sh, and the lab image of this release must exist).
#        RUNS=N transactions each (default 21). About a minute.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_BUILD_DIR=$(realpath "${1:-build}")
LAB_GEN=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
export LAB_BUILD_DIR LAB_GEN
bash tests/lab/engine.sh up >&2
trap 'bash tests/lab/engine.sh cleanup >&2' EXIT
echo "| generation | what | median (ms) | mean (ms) | the hook's added time |"
echo "|---|---|---|---|---|"
bash tests/lab/run-test.sh bench.deb-hook bash bench/deb-hook-host.sh 2>/dev/null |
  awk -F'\t' '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
