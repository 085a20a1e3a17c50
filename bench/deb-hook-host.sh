#!/usr/bin/env bash
# In a lab host of the machine's own release: what the .deb's package hook (a dpkg file
# trigger, interest-noawait on the firewalls' programs) adds to an unrelated apt transaction,
# `apt-get install --reinstall` of a small local package, with the guard's .deb installed and
# without it (removed), interleaved. Appends "generation, what, median ms, mean ms, added" to
# $LAB_BUILD_DIR/lab/GEN/bench-deb-hook.tsv. Run by bench/deb-hook.sh.
set -euo pipefail
source "$(dirname "$0")/../tests/lab/lib.sh"
deb=$(compgen -G "$LAB_BUILD_DIR/tests/deb-out/docker-firewall-guard_*.deb" | head -n 1) ||
  lab_die "no .deb in $LAB_BUILD_DIR/tests/deb-out (the deb test, or tools/deb.sh, first)"
lab_init
lab_host_boot
lab_copy_in "$deb" /root/guard.deb
# The unrelated package: one file, no maintainer scripts.
lab_sh 'mkdir -p /tmp/unrelated/DEBIAN /tmp/unrelated/usr/share/unrelated
  printf "%s\n" "Package: unrelated" "Version: 1" "Architecture: all" \
    "Maintainer: lab <lab@example.org>" "Description: an unrelated package" >/tmp/unrelated/DEBIAN/control
  echo unrelated >/tmp/unrelated/usr/share/unrelated/file
  dpkg-deb --build /tmp/unrelated /tmp/unrelated.deb >/dev/null
  dpkg -i /tmp/unrelated.deb >/dev/null'
# shellcheck disable=SC2016 # the host's shell expands them
lab_sh 'runs=$1
  apt() { DEBIAN_FRONTEND=noninteractive apt-get -y -q "$@" >/dev/null 2>&1; }
  timed() {
    local a b
    a=$(date +%s%N); apt install --reinstall /tmp/unrelated.deb; b=$(date +%s%N)
    echo "$1 $(((b - a) / 1000))"
  }
  for ((i = 0; i < runs; i++)); do
    apt install /root/guard.deb; timed with
    apt remove docker-firewall-guard; timed without
  done' "${RUNS:-21}" >"$LAB_ARTIFACTS/times.txt"
out=$LAB_BUILD_DIR/lab/$LAB_GEN/bench-deb-hook.tsv
mkdir -p "$(dirname "$out")"
sort -k1,1 -k2,2n "$LAB_ARTIFACTS/times.txt" | awk -v gen="$LAB_GEN" '
  { v[$1, ++n[$1]] = $2 / 1000; sum[$1] += $2 / 1000 }
  function median(w) { return n[w] % 2 ? v[w, (n[w] + 1) / 2] : (v[w, n[w] / 2] + v[w, n[w] / 2 + 1]) / 2 }
  END {
    printf "%s\tapt-with\t%.1f\t%.1f\t%+.1f ms\n", gen, median("with"), sum["with"] / n["with"], median("with") - median("without")
    printf "%s\tapt-without\t%.1f\t%.1f\t\n", gen, median("without"), sum["without"] / n["without"]
  }' | tee "$out"
