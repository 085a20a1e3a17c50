#!/usr/bin/env bash
# Guards the machine's own firewall: `save` records the rules of this machine's network
# namespace in $LAB_BUILD_DIR/lab/firewall.before; `compare` fails when they differ now.
# Read-only: it only lists rules (legacy iptables only when its tables are already loaded, as
# listing them could load the kernel module and so create tables).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

saved=$LAB_BUILD_DIR/lab/firewall.before

# Counters and "generated on" comments change by themselves; everything else must not.
normalize() {
  sed -e '/^#/d' -e 's/\[[0-9]*:[0-9]*\]/[counters]/g' \
      -e 's/counter packets [0-9]* bytes [0-9]*/counter/g'
}

listing() { # CMD...: one section of the snapshot
  echo "== $*"
  if ! command -v "$1" >/dev/null; then echo "(not installed)"; return; fi
  "$@" 2>&1 | normalize
}

snapshot() {
  listing iptables-save
  listing ip6tables-save
  listing nft list ruleset
  if [[ -s /proc/net/ip_tables_names ]]; then listing iptables-legacy-save; fi
  if [[ -s /proc/net/ip6_tables_names ]]; then listing ip6tables-legacy-save; fi
}

case ${1:-} in
  save)
    mkdir -p "$(dirname "$saved")"
    snapshot >"$saved"
    lab_log "saved the machine's firewall ($(grep -vc '^==' "$saved") lines) in $saved" ;;
  compare)
    [[ -f $saved ]] || lab_die "no snapshot in $saved (the lab.firewall.before test saves it)"
    if diff -u "$saved" <(snapshot); then
      lab_log "ok: the machine's own firewall is unchanged"
    else
      lab_die "the machine's own firewall changed during the lab (diff above)"
    fi ;;
  *) echo "usage: $0 save|compare" >&2; exit 2 ;;
esac
