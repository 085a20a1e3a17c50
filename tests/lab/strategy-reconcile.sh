#!/usr/bin/env bash
# Strategy "reconcile" on the real systemd, dockerd and firewall units. Usage:
# strategy-reconcile.sh FIREWALL (iptables, also restarting ip6tables.service; or nftables).
# Live-restore off (Docker's default); the web container on the default bridge (restart
# policy always) and "app" on a user-defined network (no restart policy), both with published
# ports. For each event (restart, reload, stop, start, the package upgrade, five restarts in
# a row): afterwards both reach outside and their ports answer, dockerd was started 0 times,
# neither container restarted, docker.service never failed. Then a container started after
# the events gets working rules, and with the snapshot made impossible one firewall restart
# costs exactly one dockerd restart (the fallback). A prober inside the web container
# measures each event's outage; the figures go to the log and to outage.tsv (no timing is
# asserted: bench/ reads them).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fw=${1:?firewall}
restore_id=5a1d3e0b9c8f4c27a6e2d4b7f0c91e38
out_dir=$LAB_BUILD_DIR/lab/$LAB_GEN
mkdir -p "$out_dir"
tsv=$out_dir/outage-reconcile-$fw.tsv

uptime_now() { lab_exec cut -d' ' -f1 /proc/uptime; }
started_at() { lab_exec docker inspect -f '{{.State.StartedAt}}' "$1"; }
reaches_outside_from() { lab__http_ok "$1" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"; }
app_port_answers() { lab__http_ok host 127.0.0.1 8090 "$LAB_WEB_MARK"; }

# The prober, open loop: every 30 ms the web container starts one connection outside, logging
# when it began and ended (/proc/uptime: the host's clock) and whether it got the page. A
# connection that succeeds only through TCP's retransmission (1 s later) is not prompt: the path
# was cut when it began.
prober_start() {
  lab_exec docker exec -d "$LAB_WEB" sh -c '
    while :; do
      (s=$(cut -d" " -f1 /proc/uptime)
       if printf "GET / HTTP/1.0\r\n\r\n" | nc -w 2 "$0" 80 2>/dev/null | grep -q "$1"; then
         echo "$s $(cut -d" " -f1 /proc/uptime) ok"; else echo "$s - fail"; fi >>/probe.log) &
      usleep 30000
    done' "$LAB_OUTSIDE_IP" "$LAB_OUTSIDE_MARK"
}

# outage FROM TO: the longest stretch between two prompt connections (done within 0.3 s) that
# began in [FROM, TO].
outage() {
  lab_exec docker exec "$LAB_WEB" cat /probe.log |
    awk -v from="$1" -v to="$2" '$3 == "ok" && $2 - $1 <= 0.3 && $1 >= from && $1 <= to { print $1 }' |
    sort -n |
    awk 'NR > 1 && $1 - last > gap { gap = $1 - last } { last = $1 } END { printf "%.2f\n", gap }'
}

last_event=0
# event NAME COMMAND...: runs the firewall event in the host, timed there, at least 2.6 s
# after the last one (the firewall's own start limit is 5 in 10 s), then checks everything.
event() {
  local name=$1 wait times start end command_s gap
  shift
  wait=$(awk -v last="$last_event" -v now="$(date +%s.%N)" 'BEGIN { w = last + 2.6 - now; print (w > 0 ? w : 0) }')
  sleep "$wait"
  times=$(lab_sh 'a=$(cut -d" " -f1 /proc/uptime); "$@" >/dev/null; b=$(cut -d" " -f1 /proc/uptime); echo "$a $b"' "$@")
  last_event=$(date +%s.%N)
  read -r start end <<<"$times"
  lab_wait_for 20 "$name: web reaches outside" reaches_outside_from "$LAB_WEB"
  lab_wait_for 20 "$name: app reaches outside" reaches_outside_from app
  lab_expect "$name: web's port answers" lab_port_answers
  lab_expect "$name: app's port answers" app_port_answers
  lab_expect "$name: Docker's rules present" lab_docker_rules_present
  lab_expect_eq "$name: dockerd started 0 times" "$dockerd_starts" "$(lab_dockerd_starts)"
  lab_expect_eq "$name: web not restarted" "$web_started" "$(started_at "$LAB_WEB")"
  lab_expect_eq "$name: app not restarted" "$app_started" "$(started_at app)"
  lab_expect_eq "$name: docker.service active" active "$(lab_exec systemctl is-active docker.service)"
  sleep 1.5 # the probes after the event
  command_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  gap=$(outage "$(awk -v a="$start" 'BEGIN { print a - 1 }')" "$(awk -v b="$end" 'BEGIN { print b + 1.5 }')")
  lab_log "$name: firewall command ${command_s} s, longest stretch without a connection ${gap} s"
  printf '%s\t%s\treconcile\toff\t%s\t%s\t0\t0\n' "$LAB_GEN" "$name" "$command_s" "$gap" >>"$tsv"
}

lab_init
lab_host_boot
lab_world_up "$fw"
firewalls=$fw.service
if [[ $fw == iptables ]]; then
  # Enabled before Docker starts, as at boot: its start flushes IPv6 (Docker 28's rules too).
  lab_exec systemctl enable --now ip6tables.service
  firewalls+=" ip6tables.service"
  lab_docker_restart
  lab_wait_for 30 "container reaches outside" lab_reaches_outside
fi
lab_exec docker network create --subnet 10.77.0.0/24 appnet >/dev/null
lab_exec docker run -d --name app --network appnet -p 8090:80 lab/busybox \
  sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
lab_wait_for 30 "app's port answers" app_port_answers
lab_wait_for 30 "app reaches outside" reaches_outside_from app

lab_sh 'printf "%s\n" "[guard]" "strategy = reconcile" >/etc/docker-firewall-guard.conf'
lab_install_cli
lab_install_generator
lab_expect "docker.service After=$fw.service" \
  lab_sh 'systemctl show -p After --value docker.service | tr " " "\n" | grep -qxF "$1"' "$fw.service"
lab_expect_not "docker.service neither Requires= nor PartOf= it" \
  lab_sh 'systemctl show -p Requires -p PartOf --value docker.service | grep -q "$1"' "$fw.service"
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
status=$(lab_exec docker-firewall-guard status) || lab_die "status exited non-zero: $status"
lab_expect "status: protected" grep -q "^Protected: yes - docker.service keeps its rules across" <<<"$status"

: >"$tsv"
dockerd_starts=$(lab_dockerd_starts)
web_started=$(started_at "$LAB_WEB")
app_started=$(started_at app)
prober_start
sleep 1
event restart systemctl restart "$fw.service"
event reload systemctl reload "$fw.service"
event stop systemctl stop "$fw.service"
lab_expect_eq "after stop: $fw.service inactive" inactive "$(lab_exec systemctl is-active "$fw.service")"
event start systemctl start "$fw.service"
lab_expect "$fw's rule file loaded" lab_firewall_rules_present "$fw"
event upgrade /usr/bin/python3 /usr/bin/dnf -y -q upgrade "${LAB_FW_PACKAGE[$fw]}"
lab_expect_eq "upgraded" "${LAB_FW_NEW[$fw]}" "$(lab_rpm_version "${LAB_FW_PACKAGE[$fw]}")"
for round in 1 2 3 4 5; do
  # shellcheck disable=SC2086 # one word per unit
  event "restart-$round" systemctl restart $firewalls
done
if [[ $fw == iptables ]]; then
  event ip6tables-restart systemctl restart ip6tables.service
  if lab_exec ip6tables -t nat -S DOCKER >/dev/null 2>&1; then
    lab_expect "Docker's IPv6 rules back" \
      lab_exec ip6tables -w -t nat -C PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
  fi
fi
lab_expect_eq "docker.service never failed" 0 \
  "$(lab_exec journalctl -b -q -o cat UNIT=docker.service -p warning | grep -c 'Failed with result' || true)"

lab_exec docker run -d --name late --network appnet -p 8091:80 lab/busybox \
  sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
lab_wait_for 20 "a container started after the events: its port answers" \
  lab__http_ok host 127.0.0.1 8091 "$LAB_WEB_MARK"
lab_wait_for 20 "and it reaches outside" reaches_outside_from late

restores=$(lab_exec journalctl -q -o cat MESSAGE_ID=$restore_id ACTION=restored | wc -l)
lab_log "journal: $restores restores"
lab_expect "every event restored Docker's rules (journal)" test "$restores" -ge 10

# The fallback: no snapshot can be written, so the restore finds none and restarts Docker.
lab_sh 'rm -rf /run/docker-firewall-guard/snapshots && touch /run/docker-firewall-guard/snapshots'
sleep 2.6
lab_exec systemctl restart "$fw.service"
lab_wait_for 60 "fallback: web reaches outside" reaches_outside_from "$LAB_WEB"
lab_expect_eq "fallback: dockerd started exactly once" "$((dockerd_starts + 1))" "$(lab_dockerd_starts)"
lab_expect "fallback: one journal entry says so" \
  lab_sh 'journalctl -q -o cat MESSAGE_ID=$1 ACTION=restarted | grep -q "no snapshot"' "$restore_id"
lab_exec rm -f /run/docker-firewall-guard/snapshots
