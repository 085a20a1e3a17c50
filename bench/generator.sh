#!/usr/bin/env bash
# The generator beside what a generator cannot beat and what systemd ships, in one hyperfine
# run: a C no-op, a C++ no-op linked like ours (bench/noop/), systemd-getty-generator and
# systemd-fstab-generator, and ours on two roots: this machine's (nothing bound, nothing
# written) and an EL-like one where iptables and ip6tables are enabled (drop-ins written).
# Each generator gets fresh normal/early/late directories, as systemd hands them out.
# Reports per command the median wall time, the mean CPU time (user + system), the median
# peak memory (/usr/bin/time -v, RUNS_MEM runs) and, with valgrind, instructions executed
# (callgrind: repeatable whatever else the machine does); then the goals, met or not.
#
# Usage: bench/generator.sh [BUILD_DIR]   (default: build; run tools/test.sh or cmake first)
#        RUNS=N hyperfine runs per command (default 300), RUNS_MEM=N (default 30).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
ours=$build/generator/docker-firewall-guard-generator
gendir=$(pkg-config --variable=systemdsystemgeneratordir systemd)
for tool in hyperfine /usr/bin/time cc c++; do
  command -v "$tool" >/dev/null || { echo "bench: needs $tool (apt-get install hyperfine time g++)" >&2; exit 1; }
done
[[ -x $ours ]] || { echo "bench: missing $ours" >&2; exit 1; }

# On tmpfs, as systemd's generator directories under /run are: on a disk file system each
# mkdir and rename waits for its journal, which says nothing about a boot.
work=$(mktemp -d -p /dev/shm)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/noop-c" bench/noop/noop.c
c++ -std=c++17 -O2 -o "$work/noop-cxx" bench/noop/noop.cc -Wl,--no-as-needed -lfmt -linih
# The root of golden case 05 (iptables and ip6tables enabled) laid over the base root.
cp -a tests/generator/base-root "$work/el-root"
cp -a tests/generator/05-iptables-ip6tables-enabled/root/. "$work/el-root/"

# name|environment|program, in the table's order; the first C++ no-op is the goals' base.
commands=(
  "C no-op||$work/noop-c"
  "C++ no-op, linked like ours||$work/noop-cxx"
  "systemd-getty-generator||$gendir/systemd-getty-generator"
  "systemd-fstab-generator||$gendir/systemd-fstab-generator"
  "ours, this machine's root (nothing bound)||$ours"
  "ours, EL root (2 firewalls bound, 3 drop-ins)|DOCKER_FIREWALL_GUARD_ROOT=$work/el-root|$ours"
)
# No shell (-N): at 1-5 ms its start-up cannot be subtracted precisely. Every command goes
# through env(1), so each pays the same extra exec, and gets the same three directories.
export SYSTEMD_LOG_TARGET=console
args=()
for i in "${!commands[@]}"; do
  IFS='|' read -r name environment program <<<"${commands[$i]}"
  args+=(--prepare "bash -c 'rm -rf $work/out$i && mkdir -p $work/out$i/normal $work/out$i/early $work/out$i/late'"
    -n "$name" "env $environment $program $work/out$i/normal $work/out$i/early $work/out$i/late")
done
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/result.json" "${args[@]}" >&2

# Peak resident memory in KiB, median of RUNS_MEM runs.
: >"$work/memory"
for i in "${!commands[@]}"; do
  IFS='|' read -r name environment program <<<"${commands[$i]}"
  for ((r = 0; r < ${RUNS_MEM:-30}; r++)); do
    rm -rf "$work/out$i" && mkdir -p "$work/out$i/normal" "$work/out$i/early" "$work/out$i/late"
    # shellcheck disable=SC2086 # $environment is no word or one VAR=value word
    /usr/bin/time -f %M -o "$work/rss" env $environment "$program" \
      "$work/out$i/normal" "$work/out$i/early" "$work/out$i/late" 2>/dev/null
    cat "$work/rss"
  done | sort -n | awk -v i="$i" '{ v[NR] = $1 } END { print i, v[int((NR + 1) / 2)] }' >>"$work/memory"
done

# Instructions executed (callgrind), when valgrind is here.
: >"$work/instructions"
if command -v valgrind >/dev/null; then
  for i in "${!commands[@]}"; do
    IFS='|' read -r name environment program <<<"${commands[$i]}"
    rm -rf "$work/out$i" && mkdir -p "$work/out$i/normal" "$work/out$i/early" "$work/out$i/late"
    # shellcheck disable=SC2086 # as above
    env $environment valgrind --tool=callgrind --callgrind-out-file=/dev/null "$program" \
      "$work/out$i/normal" "$work/out$i/early" "$work/out$i/late" 2>&1 |
      awk -v i="$i" '/Collected/ { print i, $NF }' >>"$work/instructions"
  done
fi

python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
results = json.load(open(f"{work}/result.json"))["results"]
def table(path):
    try:
        return {int(k): int(v) for k, v in (line.split() for line in open(path))}
    except FileNotFoundError:
        return {}
memory, instructions = table(f"{work}/memory"), table(f"{work}/instructions")
base = results[1]["median"]
print("| command | median wall (ms) | vs C++ no-op | mean CPU user+sys (ms) | median peak RSS (KiB) | instructions |")
print("|---|---|---|---|---|---|")
for i, r in enumerate(results):
    count = f"{instructions[i]:,}" if i in instructions else "-"
    print(f"| {r['command']} | {r['median'] * 1000:.3f} | {r['median'] / base:.2f}x "
          f"| {(r['user'] + r['system']) * 1000:.3f} | {memory.get(i, '-')} | {count} |")
ours = max(results[4]["median"], results[5]["median"])
fastest_systemd = min(results[2]["median"], results[3]["median"])
def goal(text, met, gap):
    print(f"- {text}: {'met' if met else 'NOT met, ' + gap}")
print()
goal("generator no slower than 1.2x the C++ no-op (slower of our two roots)", ours <= 1.2 * base,
     f"{ours / base:.2f}x")
goal("generator faster than every systemd generator measured", ours < fastest_systemd,
     f"{ours / fastest_systemd:.2f}x the fastest")
PY
