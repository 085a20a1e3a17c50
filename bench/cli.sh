#!/usr/bin/env bash
# What the command costs where it runs most: `check`, `status` and an unrelated
# `after-transaction` (what every package transaction pays) against two no-ops (/bin/true, and
# a C++ program linked like the command: bench/noop/noop.cc), and the
# dnf 4 plugin's added time on an unrelated `dnf reinstall`, on every generation, one lab host
# each (bench/cli-host.sh). Prints one table of medians and means.
#
# Usage: bench/cli.sh [BUILD_DIR]   (default: build; the lab images and the project's RPMs of
#        each generation must exist: run tools/test.sh, or ctest -L GEN, first).
#        GENS="bookworm trixie forky" (default: all three), RUNS=N calls each (default 200),
#        RUNS_DNF=N transactions each (default 21). About 1.5 minutes per generation.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_BUILD_DIR=$(realpath "${1:-build}")
export LAB_BUILD_DIR
gens=${GENS:-bookworm trixie forky}

bash tests/lab/engine.sh up >&2
trap 'bash tests/lab/engine.sh cleanup >&2' EXIT
for gen in $gens; do
  echo "== $gen" >&2
  rm -f "$LAB_BUILD_DIR/lab/$gen/bench-cli.tsv"
  LAB_GEN=$gen bash tests/lab/run-test.sh "bench.cli.$gen" bash bench/cli-host.sh >/dev/null 2>&1 ||
    echo "   failed: see $LAB_BUILD_DIR/lab-artifacts/bench.cli.$gen" >&2
done

echo "| generation | what | median (ms) | mean (ms) | median vs /bin/true | median vs C++ no-op |"
echo "|---|---|---|---|---|---|"
for gen in $gens; do
  tsv=$LAB_BUILD_DIR/lab/$gen/bench-cli.tsv
  [[ -f $tsv ]] && awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6 }' "$tsv"
done
echo
echo "(for dnf-with: the plugin's added time, and with / without)"
echo "Goal: an unrelated after-transaction at most 2x the no-op (a C++ program linked like it):"
for gen in $gens; do
  awk -F'\t' '$2 == "after" { r = $6 + 0; printf "- %s: %s, %s (%s of /bin/true)\n", $1, $6, r <= 2 ? "met" : "NOT met", $5 }' \
    "$LAB_BUILD_DIR/lab/$gen/bench-cli.tsv" 2>/dev/null
done
