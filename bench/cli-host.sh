#!/usr/bin/env bash
# shellcheck source-path=SCRIPTDIR/.. disable=SC2016,SC2119 # scripts in single quotes run in the host
# One generation of bench/cli.sh: in a lab host of LAB_GEN with Docker's rules in place and the
# project's RPMs installed (set 1 of tests/lab/project-rpms.sh; the command from the lab's
# build of this tree over the packaged one), the wall time of a no-op
# (/bin/true), `check`, `status` and an unrelated `after-transaction`, RUNS calls each,
# interleaved so all see the same machine; then `dnf reinstall lab-base` with the dnf 4 plugin
# and without, RUNS_DNF times each, interleaved. Times come from bash's EPOCHREALTIME, so no
# clock process is counted. Writes $LAB_BUILD_DIR/lab/LAB_GEN/bench-cli.tsv:
#   generation, what, median ms, mean ms, median / /bin/true's and / the C++ no-op's (for dnf:
#   the plugin's added ms, and with / without).
set -euo pipefail
cd "$(dirname "$0")/.."
source tests/lab/lib.sh

lab_scenario iptables
lab_project_install 1
lab_install_cli # this tree's command over the packaged one, so the figures are of this code
lab_wait_for 30 "container reaches outside" lab_reaches_outside
# The floor for a C++ program linked like the command, built with the generation's compiler.
lab_copy_in bench/noop/noop.cc /root/noop.cc
lab_exec c++ -std=c++17 -O2 -o /usr/local/bin/noop-cxx /root/noop.cc \
  -Wl,--no-as-needed -lsystemd -linih -lfmt
times=$(lab_sh '
  runs=$1 dnf_runs=$2
  declare -A names=([noop]="/bin/true" [noop-cxx]="/usr/local/bin/noop-cxx"
    [check]="docker-firewall-guard check"
    [status]="docker-firewall-guard status"
    [after]="docker-firewall-guard after-transaction --changed kernel:upgrade glibc:upgrade"
    [dnf-with]="/usr/bin/python3 /usr/bin/dnf -y -q reinstall lab-base"
    [dnf-without]="/usr/bin/python3 /usr/bin/dnf -y -q reinstall lab-base --disableplugin=docker-firewall-guard")
  timed() {
    local -a cmd
    read -ra cmd <<<"${names[$1]}"
    local a=$EPOCHREALTIME
    "${cmd[@]}" >/dev/null 2>&1 || true
    echo "$1 $a $EPOCHREALTIME"
  }
  for ((i = 0; i < runs; i++)); do for what in noop noop-cxx check status after; do timed $what; done; done
  for ((i = 0; i < dnf_runs; i++)); do timed dnf-with; timed dnf-without; done' "${RUNS:-200}" "${RUNS_DNF:-21}")

out=$LAB_BUILD_DIR/lab/$LAB_GEN/bench-cli.tsv
awk -v gen="$LAB_GEN" '
  { ms = ($3 - $2) * 1000; n[$1]++; sum[$1] += ms; t[$1, n[$1]] = ms }
  function median(w,   i, j, k, v) {
    for (i = 1; i <= n[w]; i++) v[i] = t[w, i]
    for (i = 2; i <= n[w]; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { k = v[j]; v[j] = v[j - 1]; v[j - 1] = k }
    return n[w] % 2 ? v[(n[w] + 1) / 2] : (v[n[w] / 2] + v[n[w] / 2 + 1]) / 2
  }
  END {
    base = median("noop"); cxx = median("noop-cxx")
    split("noop noop-cxx check status after", order, " ")
    for (i = 1; i <= 5; i++)
      printf "%s\t%s\t%.2f\t%.2f\t%.2fx\t%.2fx\n", gen, order[i], median(order[i]),
        sum[order[i]] / n[order[i]], median(order[i]) / base, median(order[i]) / cxx
    with = median("dnf-with"); without = median("dnf-without")
    printf "%s\tdnf-with\t%.1f\t%.1f\t+%.1f ms\t%.3fx\n", gen, with, sum["dnf-with"] / n["dnf-with"],
      with - without, with / without
    printf "%s\tdnf-without\t%.1f\t%.1f\t\t\n", gen, without, sum["dnf-without"] / n["dnf-without"]
  }' <<<"$times" >"$out"
cat "$out" >&2
