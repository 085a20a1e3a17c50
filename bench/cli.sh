#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/.. disable=SC2016,SC2119 # scripts in single quotes run in the host
# Wall time per call of `docker-firewall-guard check` and of an unrelated `after-transaction`
# (what every package transaction pays), against a no-op process, in one run inside a lab
# host of LAB_GEN (default bookworm) with Docker's rules in place; calls are interleaved so
# the three see the same machine. Prints the median and the mean of RUNS calls each.
#
# Usage: bench/cli.sh [BUILD_DIR]   (default: build; the lab image and build must exist:
#        run tools/test.sh, or ctest -L GEN, first). RUNS=N (default 200).
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_BUILD_DIR=$(realpath "${1:-build}")
export LAB_BUILD_DIR
source tests/lab/lib.sh
runs=${RUNS:-200}

lab_init
lab_engine_ensure
lab_host_boot
lab_world_up iptables
lab_install_cli
lab_log "$LAB_GEN, $runs calls each, interleaved, times in ms:"
lab_sh '
  runs=$1
  declare -A names=([noop]="/bin/true" [check]="docker-firewall-guard check"
    [after]="docker-firewall-guard after-transaction --changed kernel:upgrade glibc:upgrade")
  for ((i = 0; i < runs; i++)); do
    for what in noop check after; do
      read -ra cmd <<<"${names[$what]}"
      start=$(date +%s%N)
      "${cmd[@]}" >/dev/null || true
      echo "$what $(( $(date +%s%N) - start ))" >>/tmp/bench.times
    done
  done
  for what in noop check after; do
    grep "^$what " /tmp/bench.times | cut -d" " -f2 | sort -n | awk -v w="$what" -v cmd="${names[$what]}" \
      '"'"'{ t[NR] = $1 / 1e6; s += $1 / 1e6 }
       END { printf "  %-6s median %6.2f  mean %6.2f  (%s)\n", w, t[int(NR / 2) + 1], s / NR, cmd }'"'"'
  done' "$runs"
