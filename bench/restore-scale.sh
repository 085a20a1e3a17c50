#!/usr/bin/env bash
# What the restore computes, at two scales: 20 containers / 200 published ports / 20 networks
# against 200 / 2,000 / 20 (Docker 28's layout, EL's stock file; bench/restore_scale.cc). Per
# step of the restore, in this process: the median time of RUNS runs, the instructions
# (callgrind, one run), and how each grows from the small scale to the large one (rules grow
# by about 7.4 times: a step that grows no faster is linear). iptables and dockerd are not
# in it: bench/cut-steps.sh and the lab measure those.
#   bash bench/restore-scale.sh [BUILD_DIR]   (default build-bench, configured RelWithDebInfo)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-bench}
runs=${RUNS:-21}
if [[ ! -x $build/bench/dfg_restore_scale ]]; then
  cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
  cmake --build "$build" -j"$(nproc)" --target dfg_restore_scale >/dev/null
fi
bin=$build/bench/dfg_restore_scale
command -v valgrind >/dev/null || { echo "restore-scale: valgrind is needed (apt-get install valgrind)" >&2; exit 1; }

small=(20 200 20) large=(200 2000 20)
steps=(snapshot-read answer-read held-read fit tables-read plan judge snapshot-take)
# instructions SCALE... STEP: callgrind's total of one run of STEP (the inputs' making is
# measured alone as "none" and taken off).
instructions() {
  local out
  out=$(mktemp)
  valgrind --tool=callgrind --callgrind-out-file="$out" "$bin" "$@" >/dev/null 2>&1
  callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'
  rm -f "$out"
}
declare -A ms ir
for scale in small large; do
  declare -n s=$scale
  while read -r step time _; do ms[$scale.$step]=$time; done < <("$bin" "${s[@]}" "$runs" | tail -n +2)
  base=$(instructions "${s[@]}" 1 none)
  for step in "${steps[@]}"; do ir[$scale.$step]=$(($(instructions "${s[@]}" 1 "$step") - base)); done
  unset -n s
done
"$bin" "${small[@]}" 1 | head -1
"$bin" "${large[@]}" 1 | head -1
printf '%-14s %12s %12s %7s %14s %14s %7s\n' step "ms small" "ms large" growth "instr small" \
  "instr large" growth
for step in "${steps[@]}"; do
  awk -v step="$step" -v a="${ms[small.$step]}" -v b="${ms[large.$step]}" \
    -v c="${ir[small.$step]}" -v d="${ir[large.$step]}" 'BEGIN {
      printf "%-14s %12.3f %12.3f %7.1f %14d %14d %7.1f\n", step, a, b, (a > 0 ? b / a : 0), c, d,
        (c > 0 ? d / c : 0) }'
done
