#!/usr/bin/env bash
# shellcheck disable=SC2016 # scripts in single quotes run in the host
# The command's fault matrix on the real systemd, dockerd and iptables of LAB_GEN. Every call
# must end within 90 s without a crash, say what it did, and leave Docker running with its
# rules once the fault is gone. First without the generator (only the command restarts
# Docker):
#   - D-Bus's socket unreachable: root still reaches systemd over its private socket;
#   - no bus at all (both sockets unreachable): "nothing done", nothing restarted, exit 2;
#   - docker.service masked, or its unit file gone: left alone, not started nor unmasked;
#   - two after-transaction runs at once: one restart;
#   - the iptables binary missing: "unknown", nothing restarted;
#   - Docker failing to restart (daemon.json broken): reported once, exit 1, no retry by us;
#   - the xtables lock held by another process (legacy iptables, as on EL 7): "unknown",
#     nothing restarted.
# Then strategy reconcile (the generator and its companions):
#   - the snapshot truncated, or given a rule that is not Docker's, between its save and
#     the restore: refused, the fallback restarts Docker once, nothing of it is restored;
#   - no room to save the snapshot (a full file system on /run/docker-firewall-guard):
#     the fallback restarts Docker once;
#   - firewall restarts while containers start: every container ends with working rules.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

flushing_change=iptables-services:upgrade

# guard_unreachable "SOCKET..." ARGS...: lab_guard in a mount namespace of its own where each
# SOCKET is /dev/null, so nothing listens there.
guard_unreachable() {
  lab_log "unreachable: $1"
  LAB_GUARD_WRAPPER=(unshare --mount sh -c 'for s in $0; do mount --bind /dev/null "$s"; done; exec "$@"' "$1")
  shift
  lab_guard "$@"
  LAB_GUARD_WRAPPER=()
}

# flush NAME: restarts iptables.service, which flushes Docker's rules when nothing guards them.
flush() {
  lab_iptables_restart
  lab_expect "$1: the firewall's restart flushed Docker's rules" lab_docker_rules_absent
}
# restored_by_restart_docker NAME: the fault gone, restart-docker restarts Docker once and the
# container reaches outside again.
restored_by_restart_docker() {
  local starts
  starts=$(lab_dockerd_starts)
  lab_guard restart-docker
  lab_expect "$1: once the fault is gone, restart-docker restarts Docker" \
    grep -q "^docker.service: restarted: " <<<"$OUT"
  lab_expect_eq "$1: dockerd started once" "$((starts + 1))" "$(lab_dockerd_starts)"
  lab_wait_for 30 "$1: container reaches outside again" lab_reaches_outside
}
docker_state() { lab_exec systemctl show -p LoadState -p ActiveState --value docker.service | paste -sd' '; }

lab_scenario iptables
lab_install_cli

lab_log "-- D-Bus's socket unreachable"
flush "no D-Bus"
starts=$(lab_dockerd_starts)
guard_unreachable /run/dbus/system_bus_socket restart-docker
lab_expect_eq "no D-Bus: exit" 0 "$RC"
lab_expect "no D-Bus: restarted over systemd's private socket" grep -q "^docker.service: restarted: " <<<"$OUT"
lab_expect_eq "no D-Bus: dockerd started once" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_wait_for 30 "no D-Bus: container reaches outside again" lab_reaches_outside

lab_log "-- no bus at all"
flush "no bus"
starts=$(lab_dockerd_starts)
guard_unreachable "/run/dbus/system_bus_socket /run/systemd/private" restart-docker
lab_expect_eq "no bus: restart-docker exit" 2 "$RC"
lab_expect "no bus: says why" grep -q "^docker-firewall-guard: nothing done: connecting to the system bus: " <<<"$OUT"
guard_unreachable "/run/dbus/system_bus_socket /run/systemd/private" after-transaction --changed "$flushing_change"
lab_expect_eq "no bus: after-transaction exit (a transaction is never failed)" 0 "$RC"
lab_expect "no bus: after-transaction says why" grep -q "nothing done: connecting to the system bus: " <<<"$OUT"
guard_unreachable "/run/dbus/system_bus_socket /run/systemd/private" status
lab_expect "no bus: status says so" grep -q "connecting to the system bus" <<<"$OUT"
lab_expect_eq "no bus: nothing restarted" "$starts" "$(lab_dockerd_starts)"
restored_by_restart_docker "no bus"

lab_log "-- docker.service masked"
flush "masked"
starts=$(lab_dockerd_starts)
lab_exec systemctl mask --runtime docker.service
lab_guard restart-docker
lab_expect_eq "masked: exit" 0 "$RC"
lab_expect "masked: says it left it alone" grep -q "^docker.service: nothing to do: masked; left alone$" <<<"$OUT"
lab_expect_eq "masked: still masked and running, not restarted" "masked active $starts" \
  "$(docker_state) $(lab_dockerd_starts)"
lab_guard status
lab_expect "masked: status says so" grep -q "^Protected: no - docker.service is masked: nothing restarts it$" <<<"$OUT"
lab_exec systemctl unmask --runtime docker.service
restored_by_restart_docker "masked"

lab_log "-- docker.service's unit file gone"
flush "unit file gone"
starts=$(lab_dockerd_starts)
# Debian's docker.io also ships /etc/init.d/docker, from which systemd-sysv-generator makes a
# docker.service of its own once the unit file is gone (one that fails to start here); EL
# has no such script, so it goes too.
lab_sh 'mv /usr/lib/systemd/system/docker.service /root/docker.service.away
  [ ! -e /etc/init.d/docker ] || mv /etc/init.d/docker /root/docker.init.away
  systemctl daemon-reload'

lab_guard restart-docker
lab_expect_eq "unit file gone: exit" 0 "$RC"
lab_expect "unit file gone: says so" grep -q "^docker.service: nothing to do: not installed (not-found)$" <<<"$OUT"
lab_guard status
lab_expect_eq "unit file gone: status exit" 1 "$RC"
lab_expect "unit file gone: status says why" \
  grep -q "^Protected: no - docker.service runs without its unit (not-found): nothing restarts it$" <<<"$OUT"
lab_expect_eq "unit file gone: still running, not restarted" "not-found active $starts" \
  "$(docker_state) $(lab_dockerd_starts)"
lab_sh 'mv /root/docker.service.away /usr/lib/systemd/system/docker.service
  [ ! -e /root/docker.init.away ] || mv /root/docker.init.away /etc/init.d/docker
  systemctl daemon-reload'

restored_by_restart_docker "unit file gone"

lab_log "-- two after-transaction runs at once"
flush "two at once"
starts=$(lab_dockerd_starts)
lab_guard_together 2 after-transaction --changed "$flushing_change"
lab_expect_eq "two at once: both exit 0" 0 "$RC"
lab_expect_eq "two at once: one says it restarted" 1 "$(grep -c "^docker.service: restarted: " <<<"$OUT" || true)"
lab_expect_eq "two at once: dockerd started once" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_wait_for 30 "two at once: container reaches outside again" lab_reaches_outside

lab_log "-- the iptables binary missing"
flush "no iptables"
starts=$(lab_dockerd_starts)
lab_exec mv /usr/sbin/iptables /usr/sbin/iptables.away
lab_guard after-transaction --changed "$flushing_change"
lab_expect_eq "no iptables: exit" 0 "$RC"
lab_expect "no iptables: cannot tell, does nothing" \
  grep -q "^docker.service: unknown: cannot tell whether Docker's rules are there (.*); not restarting" <<<"$OUT"
lab_guard check
lab_expect_eq "no iptables: check exit" 2 "$RC"
lab_expect_eq "no iptables: nothing restarted" "$starts" "$(lab_dockerd_starts)"
lab_exec mv /usr/sbin/iptables.away /usr/sbin/iptables
restored_by_restart_docker "no iptables"

lab_log "-- Docker failing to restart"
flush "Docker failing"
starts=$(lab_dockerd_starts)
lab_sh 'mkdir -p /etc/docker; [ ! -e /etc/docker/daemon.json ] || mv /etc/docker/daemon.json /root/daemon.json.saved
  printf "{\"live-restore\": tru" >/etc/docker/daemon.json'
failures_before=$(lab_journal_count -t docker-firewall-guard ACTION=failed)
lab_guard restart-docker
lab_expect_eq "Docker failing: exit" 1 "$RC"
lab_expect_eq "Docker failing: one line, the failure" 1 "$(grep -c "^docker.service: failed: " <<<"$OUT" || true)"
# The run has exited, so it retries nothing later; once journald has written all it was sent
# (--sync), a retry within the run would be counted.
lab_exec journalctl --sync
lab_expect_eq "Docker failing: in the journal once, no retry" "$((failures_before + 1))" \
  "$(lab_journal_count -t docker-firewall-guard ACTION=failed)"
lab_sh 'rm /etc/docker/daemon.json; [ ! -e /root/daemon.json.saved ] || mv /root/daemon.json.saved /etc/docker/daemon.json'
# The administrator's part: the configuration fixed, Docker started.
lab_exec systemctl reset-failed docker.service docker.socket
lab_docker_restart
lab_wait_for 60 "Docker failing: fixed, container reaches outside again" lab_reaches_outside

lab_log "-- the xtables lock held (legacy iptables)"
lab_sh 'for t in iptables ip6tables; do update-alternatives --quiet --set $t /usr/sbin/$t-legacy; done'
lab_docker_restart
lab_wait_for 60 "legacy: container reaches outside" lab_reaches_outside
lab_guard check
lab_expect_eq "legacy: check finds the rules" 0 "$RC"
lab_exec systemd-run --quiet --unit=dfg-xtables-lock flock /run/xtables.lock sleep 300
# Held: flock gives up at once with its conflict status (75), not with any other failure.
lab_wait_for 10 "the lock is held" lab_sh 'rc=0; flock -n -E 75 /run/xtables.lock true || rc=$?; [ "$rc" -eq 75 ]'
starts=$(lab_dockerd_starts)
lab_guard check
lab_expect_eq "lock held: check exit" 2 "$RC"
lab_expect "lock held: unknown" grep -q "^Docker's rules: unknown " <<<"$OUT"
lab_guard after-transaction --changed "$flushing_change"
lab_expect "lock held: after-transaction does nothing" \
  grep -q "^docker.service: unknown: cannot tell whether Docker's rules are there" <<<"$OUT"
lab_expect_eq "lock held: nothing restarted" "$starts" "$(lab_dockerd_starts)"
lab_exec systemctl stop dfg-xtables-lock.service
lab_guard check
lab_expect_eq "lock released: check exit" 0 "$RC"
lab_sh 'for t in iptables ip6tables; do update-alternatives --quiet --set $t /usr/sbin/$t-nft; done'
lab_docker_restart
lab_wait_for 60 "nft again: container reaches outside" lab_reaches_outside

# ---------------------------------------------------------------------------------------
lab_log "-- strategy reconcile"
lab_sh 'printf "[guard]\nstrategy = reconcile\n" >/etc/docker-firewall-guard.conf'
lab_install_generator
lab_exec systemctl start docker-firewall-guard-before-iptables.service docker-firewall-guard-after-iptables.service
# Alters the snapshot between its save and its restore, both in the firewall's own start
# (the guard's ExecStartPre= and ExecStartPost=): a drop-in named after the guard's runs
# its ExecStartPre= after the guard's.
lab_sh 'cat >/usr/local/sbin/dfg-alter-snapshot <<"EOF"
#!/bin/sh
f=/run/docker-firewall-guard/snapshots/iptables.service
case $(cat /run/dfg-alter) in
  truncate) truncate -s 300 "$f" ;;
  foreign) sed -i "0,/^-A FORWARD /s//-A INPUT -j ACCEPT\n&/" "$f" ;;
esac
exit 0
EOF
chmod 0755 /usr/local/sbin/dfg-alter-snapshot
mkdir -p /run/systemd/system/iptables.service.d
printf "[Service]\nExecStartPre=/usr/local/sbin/dfg-alter-snapshot\n" \
  >/run/systemd/system/iptables.service.d/90-alter.conf
echo none >/run/dfg-alter
systemctl daemon-reload'
restores() { lab_journal_count --has "$1" MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID; }
# restores_reach N TEXT: at least N restore entries hold TEXT.
restores_reach() {
  local count
  count=$(restores "$2") && ((count >= $1))
}
for how in truncate foreign; do
  lab_log "-- the snapshot altered: $how"
  lab_sh 'echo "$1" >/run/dfg-alter' "$how"
  starts=$(lab_dockerd_starts)
  unusable=$(restores "the snapshot is unusable")
  lab_iptables_restart
  # The fallback queues a restart of Docker, which runs once the firewall's start is done.
  lab_wait_for 60 "$how: refused, in the journal" \
    restores_reach "$((unusable + 1))" "the snapshot is unusable"
  lab_wait_for 60 "$how: the queued restart done" lab_jobs_done
  lab_expect_eq "$how: the fallback started dockerd once" "$((starts + 1))" "$(lab_dockerd_starts)"
  lab_expect_eq "$how: nothing of it restored" absent "$(lab_rule_state filter "-A INPUT -j ACCEPT")"
  lab_wait_for 30 "$how: container reaches outside" lab_reaches_outside
  lab_expect "$how: published port answers" lab_port_answers
done
lab_sh 'echo none >/run/dfg-alter'
starts=$(lab_dockerd_starts)
lab_iptables_restart
lab_expect_eq "snapshot as it was: restored, Docker not restarted" "$starts" "$(lab_dockerd_starts)"
lab_wait_for 30 "snapshot as it was: container reaches outside" lab_reaches_outside

lab_log "-- no room for the snapshot"
lab_sh 'mount -t tmpfs -o size=4k tmpfs /run/docker-firewall-guard
  head -c 1M /dev/zero >/run/docker-firewall-guard/fill 2>/dev/null || true'
starts=$(lab_dockerd_starts)
fallbacks=$(restores "restore: no snapshot")
lab_iptables_restart
lab_wait_for 60 "no room: the restore found no snapshot" \
  restores_reach "$((fallbacks + 1))" "restore: no snapshot"
lab_expect "no room: the save said why" \
  lab_journal_has --has "No space left on device" -t docker-firewall-guard
# (The restore right after the stop's flush queues Docker's restart: it runs once the
# firewall's restart is done.)
lab_wait_for 60 "no room: the queued restart done" lab_jobs_done
lab_expect_eq "no room: the fallback started dockerd once" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_wait_for 30 "no room: container reaches outside" lab_reaches_outside
lab_exec umount /run/docker-firewall-guard

lab_log "-- firewall restarts while containers start"
starts=$(lab_dockerd_starts)
stale() { lab_journal_count --has "flushed: stale:" -t docker-firewall-guard; }
stale_before=$(stale)
for round in 1 2 3; do
  lab_sh 'sleep "$2"; docker run -d --name "race$1" -p "809$1:80" lab/busybox \
    sh -c "trap \"exit 0\" TERM; httpd -f -p 80 -h /www & wait" >/dev/null' "$round" "0.$((round * 3))" &
  lab_iptables_restart
  if ! wait $!; then
    # dockerd itself may refuse the start inside the flush ("Unable to enable DNAT rule": its
    # chain was gone for that moment; seen on forky). The container exists, not started: the
    # administrator's next start must find working rules.
    lab_log "race $round: dockerd refused the start inside the flush; starting it again"
    lab_exec docker start "race$round" >/dev/null
  fi
  # dockerd writes a starting container's rules before its API lists the container: the
  # guard waits for the listing, never calls them stale nor restarts Docker for them. A
  # container whose start began after the snapshot has its rules flushed, and only that
  # takes the fallback, whose Docker restart stops a container without a restart policy;
  # the administrator starts it again.
  lab_wait_for 60 "race $round: the restart's jobs done" lab_jobs_done
  lab_expect_eq "race $round: no rule of a starting container read as stale" \
    "$stale_before" "$(stale)"
  if [[ $(lab_exec docker inspect -f '{{.State.Running}}' "race$round") != true ]]; then
    lab_log "race $round: stopped by a Docker restart (journal: $(lab_journal_count \
      MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID ACTION=restarted) fallback restarts); starting it again"
    lab_expect "race $round: the fallback was for rules the snapshot lacked" \
      lab_journal_has --has "the snapshot lacks what Docker holds now" -t docker-firewall-guard
    lab_exec docker start "race$round" >/dev/null
  fi
  lab_wait_for 30 "race $round: its port answers" lab__http_ok host 127.0.0.1 "809$round" "$LAB_WEB_MARK"
  lab_wait_for 30 "race $round: it reaches outside" \
    lab__http_ok "race$round" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"
done
lab_log "races: $(($(lab_dockerd_starts) - starts)) dockerd starts (the fallback, when a snapshot missed a container)"
lab_expect "the web container still reaches outside" lab_reaches_outside
lab_expect_eq "docker.service active" active "$(lab_exec systemctl is-active docker.service)"
