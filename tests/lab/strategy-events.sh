#!/usr/bin/env bash
# A strategy through every firewall event, on the real systemd, dockerd and firewall units.
# Usage: strategy-events.sh STRATEGY FIREWALL [LIVE_RESTORE]
#   STRATEGY      reconcile (asserted), or requires, partof, none (measured, for bench/strategies.sh)
#   FIREWALL      iptables (ip6tables.service enabled too) or nftables
#   LIVE_RESTORE  off (Docker's default) or on
# The host's iptables.service behaves as LAB_EL's (8, the default: EL 8, EL 9, Fedora on
# iptables-nft; 7: EL 7 on iptables-legacy) and loads LAB_RULES (stock, or admin: nat rules and
# chains of the administrator's); see world.sh. Published ports are probed from the outside
# namespace at the host's address, through Docker's DNAT.
# The web container on the default bridge (restart policy always) and "app" on a user-defined
# network (no restart policy), both with published ports; a "probe" container (restart policy
# always) connects outside every 30 ms, and a "flows" container (lab_flows_start) makes new UDP
# flows retried on one port and TCP connections left to SYN retransmission. Events: restart, reload, stop, start, the package
# upgrade (a try-restart in %postun: iptables-services before EL 7's 1.4.21-19, nftables on EL 8
# and later), systemd's deferred restart of marked units,
# five restarts in a row (and an ip6tables restart); at the end, the package removed.
# With reconcile, after each event: both containers reach outside and their ports answer,
# dockerd was started 0 times, neither container restarted, docker.service never failed, no
# flow begun during the event stuck (UDP or TCP); then
# a container started after the events gets working rules, and with the snapshot made
# impossible one firewall restart costs exactly one dockerd restart (the fallback). Other
# strategies only record what happened (Docker restarted or stopped by the event is started
# again, as an administrator would). Each event's figures go to the log and to
# $LAB_BUILD_DIR/lab/GEN/events-STRATEGY-FIREWALL-LIVE_RESTORE.tsv; no timing is asserted.
# shellcheck disable=SC2034 # events.sh reads recovery_wait
set -euo pipefail
source "$(dirname "$0")/lib.sh"

strategy=${1:?strategy} fw=${2:?firewall} live_restore=${3:-off}
strict=0 recovery_wait=40
[[ $strategy == reconcile ]] && strict=1
[[ $strategy == none ]] && recovery_wait=5
out_dir=$LAB_BUILD_DIR/lab/$LAB_GEN
mkdir -p "$out_dir"
flavour=$fw
[[ $fw != iptables ]] || flavour+=-el$LAB_EL-$LAB_RULES
tsv=$out_dir/events-$strategy-$flavour-$live_restore.tsv

source "$(dirname "$0")/events.sh"

lab_init
lab_host_boot
if [[ $live_restore == on ]]; then
  lab_sh 'mkdir -p /etc/docker && echo "{\"live-restore\": true}" >/etc/docker/daemon.json'
fi
lab_world_up "$fw"
firewalls=$fw.service
if [[ $fw == iptables ]]; then
  # Enabled before Docker starts, as at boot: its start flushes IPv6 (Docker 28's rules too).
  lab_exec systemctl enable --now ip6tables.service
  firewalls+=" ip6tables.service"
  lab_docker_restart
  lab_wait_for 30 "container reaches outside" lab_reaches_outside
fi
app_up
# An internal network with a custom bridge name, as in ../shared/data/docker-rules.
lab_exec docker network create --internal --subnet 10.78.0.0/24 \
  -o com.docker.network.bridge.name=dfgint intnet >/dev/null
lab_exec docker run -d --name inner --network intnet lab/busybox \
  sh -c 'trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null

metrics=/var/lib/node_exporter/textfile_collector/docker-firewall-guard.prom
lab_sh 'mkdir -p "$(dirname "$2")"
  printf "%s\n" "[guard]" "strategy = $1" "metrics-file = $2" >/etc/docker-firewall-guard.conf' \
  "$strategy" "$metrics"
lab_install_cli
lab_install_generator
if ((strict)); then
  lab_expect "docker.service After=$fw.service" lab_unit_lists docker.service After "$fw.service"
  lab_expect_not "docker.service not Requires= it" lab_unit_lists docker.service Requires "$fw.service"
  lab_expect_not "docker.service not PartOf= it" lab_unit_lists docker.service PartOf "$fw.service"
  for unit in before after; do
    lab_expect_eq "companion $unit loaded" loaded \
      "$(lab_exec systemctl show -p LoadState --value "docker-firewall-guard-$unit-$fw.service")"
  done
  # Until the firewall's next start, its companions are not running: start them now, as the
  # package does after installing.
  for unit in $firewalls; do
    lab_exec systemctl start "docker-firewall-guard-before-$unit" "docker-firewall-guard-after-$unit"
  done
  verify=$(lab_exec systemd-analyze verify --man=no "/run/systemd/generator/docker-firewall-guard-before-$fw.service" \
    "/run/systemd/generator/docker-firewall-guard-after-$fw.service" 2>&1) || lab_die "systemd-analyze verify: $verify"
  lab_expect_eq "systemd-analyze verify passes the companions silently" "" "$verify"
  lab_guard status
  lab_expect_eq "status: exit" 0 "$RC"
  lab_expect "status: protected" grep -q "^Protected: yes - docker.service keeps its rules across" <<<"$OUT"
elif [[ $strategy == none ]]; then
  lab_expect_not "strategy none: no drop-in" lab_unit_lists docker.service DropInPaths '*/50-docker-firewall-guard.conf'
else
  lab_expect "systemd loaded the drop-in" lab_unit_lists docker.service DropInPaths '*/50-docker-firewall-guard.conf'
fi

: >"$tsv"
lab_prober_start
lab_flows_start
sleep 1
rules_before=$(lab_all_rules)
# Docker's IPv6 rules (Docker 27 and later manage ip6tables by default), read from a listing
# taken while every rule is in place: what the ip6tables restart below must leave or bring back.
ipv6_rules=$(lab_exec ip6tables-save)
ipv6_docker=0
if grep -q -- '^-A PREROUTING .*-j DOCKER$' <<<"$ipv6_rules"; then ipv6_docker=1; fi
lab_log "Docker manages IPv6 rules: $ipv6_docker"
dockerd_starts=$(lab_dockerd_starts)
event restart systemctl restart "$fw.service"
event reload systemctl reload "$fw.service"
event stop systemctl stop "$fw.service"
# (Under requires, Docker restarted through docker.socket starts the firewall again.)
((!strict)) || lab_expect_eq "after stop: $fw.service inactive" inactive "$(lab_exec systemctl is-active "$fw.service")"
event start systemctl start "$fw.service"
lab_expect "$fw's rule file loaded" lab_firewall_rules_present "$fw"
# systemd >= 250's deferred restart, as its RPM macros do it: %systemd_postun_with_restart
# marks the unit, a transaction file trigger runs `systemctl reload-or-restart --marked` at
# the end (systemd-update-helper), which reloads a unit that can reload.
event deferred sh -c 'systemctl set-property "$0" Markers=+needs-restart && systemctl reload-or-restart --marked' "$fw.service"
event upgrade /usr/bin/python3 /usr/bin/dnf -y -q upgrade "${LAB_FW_PACKAGE[$fw]}"
lab_expect_eq "upgraded" "${LAB_FW_NEW[$fw]}" "$(lab_rpm_version "${LAB_FW_PACKAGE[$fw]}")"
for round in 1 2 3 4 5; do
  # shellcheck disable=SC2086 # one word per unit
  event "restart-$round" systemctl restart $firewalls
done
if [[ $fw == iptables ]]; then
  event ip6tables-restart systemctl restart ip6tables.service
  ipv6_back() { lab_exec ip6tables -w -t nat -C PREROUTING -m addrtype --dst-type LOCAL -j DOCKER 2>/dev/null; }
  if ((ipv6_docker && strict)); then
    lab_expect "Docker's IPv6 rules back" ipv6_back
  elif ((ipv6_docker)) && ipv6_back; then
    lab_log "Docker's IPv6 rules back after the ip6tables restart"
  elif ((ipv6_docker)); then
    lab_log "Docker's IPv6 rules gone after the ip6tables restart"
  fi
fi
# What ran when, for whoever wants to see the companions' order (kept in the build tree).
lab_exec journalctl -b -q -o short-monotonic -t docker-firewall-guard -t systemd \
  -t iptables.init >"$out_dir/journal-$strategy-$flavour-$live_restore.txt" 2>&1 || true
((strict)) || exit 0
# The firewall's files did not change (the upgrade keeps them), so after all these events every
# rule, Docker's and the firewall's, must be what it was, in the same places.
diff -u <(echo "$rules_before") <(lab_all_rules) >&2 || lab_die "the rules differ from before the events"
lab_log "ok: every rule of both families is as before the events, in the same order"
lab_expect_eq "docker.service never failed" 0 "$(lab_docker_failures)"

lab_exec docker run -d --name late --network appnet -p 8091:80 lab/busybox \
  sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
lab_wait_for 20 "a container started after the events: its port answers" \
  lab_port_answers_outside 8091
lab_wait_for 20 "and it reaches outside" reaches_outside_from late

restores=$(lab_journal_count MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID ACTION=restored)
lab_log "journal: $restores restores"
lab_expect "every event restored Docker's rules (journal)" test "$restores" -ge 10
# Each restore's cost, as the journal has it (the *_MS steps, FLOWS_CLEARED; when it was sent),
# kept in the build tree; the metrics file adds the same up.
# shellcheck disable=SC2016 # the host's shell expands them
lab_exec sh -c 'journalctl -b -q -o json MESSAGE_ID="$0" ACTION=restored | /usr/bin/python3 -c "$1"' \
  "$LAB_RESTORE_MESSAGE_ID" 'import json, sys
keys = ("FIREWALL_UNIT PUT_BACK_MS FLOWS_MS DURATION_MS FLOWS_CLEARED RULES READY_MS ASK_MS "
        "SAVE_MS WRITE_MS __MONOTONIC_TIMESTAMP").split()
for line in sys.stdin:
    entry = json.loads(line)
    print("\t".join(str(entry.get(k, "-")) for k in keys))' >"$out_dir/restores-$strategy-$flavour-$live_restore.tsv"
cleared=$(awk -F'\t' '{ n += $5 } END { print n + 0 }' "$out_dir/restores-$strategy-$flavour-$live_restore.tsv")
lab_log "journal: the restores deleted $cleared connection-tracking entries of flows that left untranslated"
metrics_text=$(lab_exec cat "$metrics")
metric() { awk -v series="$1" 'index($0, series " ") == 1 { print $2 }' <<<"$metrics_text"; }
lab_expect_eq "metrics: restored, as the journal counts them" "$restores" \
  "$(awk -v fw="$fw.service" 'index($0, "docker_firewall_guard_restores_total{firewall=\"" fw "\",action=\"restored\"} ") == 1 { n += $2 }
    index($0, "docker_firewall_guard_restores_total{firewall=\"ip6tables.service\",action=\"restored\"} ") == 1 { n += $2 }
    END { print n + 0 }' <<<"$metrics_text")"
lab_expect_eq "metrics: connection-tracking entries deleted by restores, as the journal says" "$cleared" \
  "$(metric 'docker_firewall_guard_flows_cleared_total{by="restore"}')"
lab_expect "metrics: the last restore of $fw.service put the rules back" \
  test "$(metric "docker_firewall_guard_last_restore_ok{firewall=\"$fw.service\"}")" = 1

# The fallback: no snapshot can be written, so the restore right after the stop's flush finds
# none and queues one restart of Docker (which waits for the firewall's restart to end).
lab_sh 'rm -rf /run/docker-firewall-guard/snapshots && touch /run/docker-firewall-guard/snapshots'
lab_firewall_paced lab_exec systemctl restart "$fw.service"
lab_wait_for 60 "fallback: web reaches outside" reaches_outside_from "$LAB_WEB"
# Counted once systemd has it started: web can reach outside before dockerd says it is ready.
lab_wait_for 60 "the fallback's restart done" lab_jobs_done
lab_expect_eq "fallback: dockerd started exactly once" "$((dockerd_starts + 1))" "$(lab_dockerd_starts)"
lab_expect "fallback: the journal says so" \
  lab_journal_has --has "no snapshot" MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID "ACTION=restart queued"
lab_exec rm -f /run/docker-firewall-guard/snapshots

# The package removed (EL 8 and later: iptables-services' %preun stops the firewall, which
# flushes): Docker keeps its rules, nothing restarts.
starts=$(lab_dockerd_starts)
lab_firewall_paced lab_dnf remove "${LAB_FW_PACKAGE[$fw]}"
lab_expect_eq "removed: $fw.service gone" inactive "$(lab_exec systemctl is-active "$fw.service" || true)"
lab_wait_for 20 "removed: web reaches outside" reaches_outside_from "$LAB_WEB"
lab_expect "removed: web's port answers" lab_port_answers
lab_expect "removed: Docker's rules present" lab_docker_rules_present
lab_expect_eq "removed: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"
