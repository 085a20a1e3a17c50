#!/usr/bin/env bash
# Docker's rules against what dockerd holds, under strategy reconcile, with LAB_EL's
# iptables.service (fixtures/iptables.init) and its stock rules, containers on "appnet":
#   saved file  `service iptables save` (iptables.init save) put Docker's rules into the
#               firewall's file. A restart doubles nothing. A network and its container
#               removed since: their rules, back from the file, are removed, nothing restarted.
#               A container re-created with another port, and no snapshot to put back: the
#               file's old copies do not fool the canary (it asks dockerd); Docker is
#               restarted once, the new port answers from outside, the old one does not.
#   churn       while the firewall's start runs (LAB_START_DELAY holds it open): a container
#               removed and another started on its address, publishing nothing: the removed
#               one's port leads nowhere from outside, nothing restarted; then a container
#               started with a published port: it answers from outside (Docker restarted once
#               at most: the snapshot lacks it).
# After each: `check` exits 0 (Docker's rules are exactly what dockerd holds).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_exec docker network create --subnet 10.77.0.0/24 appnet >/dev/null
# run NAME IP [PORT]: a web container on appnet at 10.77.0.IP (restart policy always: the
# fallback restarts Docker), publishing PORT when given.
run() {
  local publish=()
  [[ -z ${3:-} ]] || publish=(-p "$3:80")
  lab_exec docker run -d --name "$1" --restart always --network appnet --ip "10.77.0.$2" "${publish[@]}" lab/busybox \
    sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
}
run app 2 8090
lab_wait_for 30 "app's port answers from outside" lab_port_answers_outside 8090
lab_guard_reconcile iptables.service

# exact NAME: check says Docker's rules are what dockerd holds, and both containers reach out.
exact() {
  lab_wait_for 20 "$1: web reaches outside" lab_reaches_outside
  lab_guard check
  lab_expect_eq "$1: check: Docker's rules in place (exit 0)" 0 "$RC"
}
# gone NAME PORT: PORT, once published, answers nothing from outside (the probe ran).
gone() {
  local rc=0
  lab_port_answers_outside "$2" || rc=$?
  lab_expect_eq "$1: port $2 leads nowhere from outside" 1 "$rc"
}
starts=$(lab_dockerd_starts)

lab_log "saved file: service iptables save, with Docker's rules, then a restart"
lab_exec /usr/libexec/iptables/iptables.init save
lab_expect "saved file: the file holds Docker's rules" \
  lab_exec grep -q -- '-j DOCKER$' /etc/sysconfig/iptables
rules_before=$(lab_all_rules)
lab_firewall_paced lab_exec systemctl restart iptables.service
exact "saved file"
lab_expect_eq "saved file: nothing doubled, nothing moved" "$rules_before" "$(lab_all_rules)"
lab_expect_eq "saved file: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"

lab_log "saved file: a network and its container saved into the file, removed since"
lab_exec docker network create --subnet 10.79.0.0/24 tmpnet >/dev/null
lab_exec docker run -d --name tmp --network tmpnet -p 8095:80 lab/busybox \
  sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
lab_wait_for 30 "tmp's port answers from outside" lab_port_answers_outside 8095
lab_exec /usr/libexec/iptables/iptables.init save
lab_exec docker rm -f tmp >/dev/null
lab_exec docker network rm tmpnet >/dev/null
lab_firewall_paced lab_exec systemctl restart iptables.service
exact "network removed"
lab_expect_eq "network removed: none of its rules left" 0 "$(lab_exec iptables-save | grep -c '10\.79\.0\.' || true)"
gone "network removed" 8095
lab_expect_eq "network removed: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"

lab_log "saved file: app re-created with another port, and no snapshot to put back"
lab_exec /usr/libexec/iptables/iptables.init save
lab_exec docker rm -f app >/dev/null
run app 2 8096
lab_wait_for 30 "app's new port answers from outside" lab_port_answers_outside 8096
lab_sh 'rm -rf /run/docker-firewall-guard/snapshots && touch /run/docker-firewall-guard/snapshots'
lab_firewall_paced lab_exec systemctl restart iptables.service
lab_wait_for 60 "no snapshot: app's new port answers from outside" lab_port_answers_outside 8096
exact "no snapshot"
gone "no snapshot" 8090
lab_expect_eq "no snapshot: dockerd restarted once" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_exec rm -f /run/docker-firewall-guard/snapshots
lab_copy_in "$LAB_DIR/fixtures/sysconfig-iptables" /etc/sysconfig/iptables # the stock file again

lab_log "churn: while the firewall's start runs, app removed and a newcomer on its address"
lab_exec sed -i 's/^LAB_START_DELAY=.*/LAB_START_DELAY=4/' /etc/sysconfig/iptables-config
starts=$(lab_dockerd_starts)
firewall_starting() { [[ $(lab_exec systemctl show -p ActiveState --value iptables.service) == activating ]]; }
# during NAME CMD...: CMD runs once the firewall's restart is in its start (activating).
during() {
  local name=$1
  shift
  lab_firewall_paced lab_exec systemctl restart --no-block iptables.service
  lab_wait_for 10 "$name: iptables.service in its start" firewall_starting
  "$@"
  lab_wait_for 30 "$name: the restart done" lab_jobs_done
  lab_expect_eq "$name: iptables.service active" active "$(lab_exec systemctl is-active iptables.service)"
}
newcomer() {
  lab_exec docker rm -f app >/dev/null
  run newcomer 2
}
during "churn" newcomer
exact "churn"
gone "churn" 8096
lab_expect_eq "churn: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"

lab_log "churn: while the firewall's start runs, a container started with a published port"
during "churn, started" run late 7 8097
lab_wait_for 60 "churn, started: its port answers from outside" lab_port_answers_outside 8097
exact "churn, started"
lab_expect "churn, started: dockerd restarted at most once" test "$(lab_dockerd_starts)" -le "$((starts + 1))"
lab_log "churn, started: dockerd started $(($(lab_dockerd_starts) - starts)) times"
lab_exec sed -i 's/^LAB_START_DELAY=.*/LAB_START_DELAY=0/' /etc/sysconfig/iptables-config
