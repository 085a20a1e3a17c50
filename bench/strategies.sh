#!/usr/bin/env bash
# Every strategy through every firewall event, live-restore off and on, in lab hosts: per event
# the firewall's own command time, the longest stretch a container could not connect outside
# (an open-loop prober in a container, 30 ms apart; a connection counts when done within
# 0.3 s), dockerd starts, whether the default-bridge container restarted, Docker failures, and
# what programs that retry on one socket met (tests/flowprobe): of the UDP flows (new every
# 20 ms, resent every 200 ms) and TCP connections (new every 50 ms, SYN retransmitted by the
# kernel) begun during the event, how many were never answered ("stuck", given up after
# 3.5 s), the latest answer after the event's end, and the datagrams that reached the outside
# with a container's own address (untranslated), and the TCP connects the kernel ended with an
# error (a firewall's REJECT while its own rules stood alone: the program is told at once).
# Runs tests/lab/strategy-events.sh (iptables, with ip6tables.service enabled) once per
# strategy and live-restore setting, then prints one table.
#
# Usage: bench/strategies.sh [BUILD_DIR]   (default: build; the lab image and build of each
#        generation must exist: run tools/test.sh, or ctest -L GEN, first).
#        GENS="bookworm trixie forky" (default: all three), STRATEGIES="requires partof reconcile none",
#        LIVE_RESTORE="off on". About 2 to 4 minutes per run with live-restore off under
#        requires and partof (each event restarts Docker), 1 minute otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
LAB_BUILD_DIR=$(realpath "${1:-build}")
export LAB_BUILD_DIR

# The outer engine as the test suite runs it; stopped at the end if this started it.
bash tests/lab/engine.sh up >&2
trap 'bash tests/lab/engine.sh cleanup >&2' EXIT
for gen in ${GENS:-bookworm trixie forky}; do
  for strategy in ${STRATEGIES:-requires partof reconcile none}; do
    for live_restore in ${LIVE_RESTORE:-off on}; do
      echo "== $gen: strategy $strategy, live-restore $live_restore" >&2
      LAB_GEN=$gen bash tests/lab/run-test.sh "bench.$gen.$strategy.$live_restore" \
        bash tests/lab/strategy-events.sh "$strategy" iptables "$live_restore" >/dev/null 2>&1 ||
        echo "   failed: see $LAB_BUILD_DIR/lab-artifacts/bench.$gen.$strategy.$live_restore" >&2
    done
  done
done

echo "| generation | event | strategy | live-restore | firewall command (s) | outage (s) | dockerd starts | container restarted | Docker failed | UDP flows stuck | last UDP answer after the end (s) | TCP stuck | last TCP connect after the end (s) | untranslated datagrams | TCP refused |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for gen in ${GENS:-bookworm trixie forky}; do
  for strategy in ${STRATEGIES:-requires partof reconcile none}; do
    for live_restore in ${LIVE_RESTORE:-off on}; do
      tsv=$LAB_BUILD_DIR/lab/$gen/events-$strategy-iptables-el${LAB_EL:-8}-${LAB_RULES:-stock}-$live_restore.tsv
      [[ -f $tsv ]] || continue
      awk -F'\t' '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $6, $7, $8, $9 ? "yes" : "no", $10 ? "yes" : "no", $11, $12, $13, $14, $15, $16 }' "$tsv"
    done
  done
done
