#!/usr/bin/env bash
# Median wall time of docker-firewall-guard-generator against systemd's own
# systemd-getty-generator, in one hyperfine run, each on fresh normal/early/late
# directories as systemd hands them out. Two inputs for ours: this machine's real root,
# and an EL-like root where two firewall units are enabled (so a drop-in is written).
#
# With valgrind installed it also counts instructions (callgrind), which unlike wall time
# do not depend on what else the machine is doing.
#
# Usage: bench/generator.sh [BUILD_DIR]   (default: build; run tools/test.sh or cmake first)
set -euo pipefail
cd "$(dirname "$0")/.."
build=$(realpath "${1:-build}")
ours=$build/generator/docker-firewall-guard-generator
theirs=$(pkg-config --variable=systemdsystemgeneratordir systemd)/systemd-getty-generator
command -v hyperfine >/dev/null || { echo "bench: needs hyperfine (apt-get install hyperfine)" >&2; exit 1; }
[[ -x $ours && -x $theirs ]] || { echo "bench: missing $ours or $theirs" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The root of golden case 05 (iptables and ip6tables enabled) laid over the base root.
cp -a tests/generator/base-root "$work/el-root"
cp -a tests/generator/05-iptables-ip6tables-enabled/root/. "$work/el-root/"

fresh() { echo "bash -c 'rm -rf $work/$1 && mkdir -p $work/$1/normal $work/$1/early $work/$1/late'"; }
dirs() { echo "$work/$1/normal $work/$1/early $work/$1/late"; }

# No shell (-N): at 1-5 ms its start-up cannot be subtracted precisely. Every command
# goes through env(1), so each pays the same extra exec.
export SYSTEMD_LOG_TARGET=console
hyperfine -N --warmup 20 --runs "${RUNS:-300}" --export-json "$work/result.json" \
  --prepare "$(fresh getty)" -n systemd-getty-generator "env $theirs $(dirs getty)" \
  --prepare "$(fresh ours-host)" -n "docker-firewall-guard-generator (this host's root)" \
  "env $ours $(dirs ours-host)" \
  --prepare "$(fresh ours-el)" -n "docker-firewall-guard-generator (EL root, 2 firewalls bound)" \
  "env DOCKER_FIREWALL_GUARD_ROOT=$work/el-root $ours $(dirs ours-el)"

python3 - "$work/result.json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
print(f"\n{'command':62} {'median ms':>10} {'vs getty':>9}")
for r in results:
    print(f"{r['command']:62} {r['median'] * 1000:10.3f} {r['median'] / base:8.2f}x")
PY

if command -v valgrind >/dev/null; then
  count() {  # NAME OUT_DIR COMMAND...: instructions executed by COMMAND
    local name=$1 out=$2
    shift 2
    rm -rf "$out" && mkdir -p "$out/normal" "$out/early" "$out/late"
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" \
      "$out/normal" "$out/early" "$out/late" 2>&1 | awk -v n="$name" '/Collected/ { print n, $NF }'
  }
  echo
  echo "instructions (callgrind):"
  count "  systemd-getty-generator" "$work/cg-getty" "$theirs"
  DOCKER_FIREWALL_GUARD_ROOT=$work/el-root \
    count "  docker-firewall-guard-generator (EL root)" "$work/cg-ours" "$ours"
fi
