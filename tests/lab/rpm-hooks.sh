#!/usr/bin/env bash
# The package hooks, every path at once (the rpm triggers, the dnf 4 plugin, and on forky dnf
# 5's actions file), on the real rpm, dnf and dnf5 of LAB_GEN, with the project's RPMs
# installed by rpm and containers running. Usage: rpm-hooks.sh requires|none|reconcile
# Event: `dnf upgrade iptables-services` from release 18, whose %postun restarts iptables at
# once (EL 7's before 1.4.21-19); on forky also `dnf5 downgrade` (19's %postun restarts
# nothing, as on EL 8 and later: nothing may restart) and `dnf5 upgrade` of it. After each, the container
# reaches outside again, Docker is active with its rules, every hook path ran (a journal entry
# each), and dockerd started: requires at most once (Requires= restarts it), none exactly
# once (the hooks alone), reconcile never (the in-job restore puts the rules back). Each event's
# dockerd starts, container restart and outage (an in-container prober) go to
# <build>/lab/GEN/rpm-hooks-STRATEGY.tsv.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

strategy=${1:?usage: rpm-hooks.sh requires|none|reconcile}
LAB_MEASURED_TSV=$LAB_BUILD_DIR/lab/$LAB_GEN/rpm-hooks-$strategy.tsv
rm -f "$LAB_MEASURED_TSV"

hook_runs() { lab_journal_count MESSAGE_ID=$LAB_RESTART_MESSAGE_ID; }

# event NAME restarts|keeps PROGRAM ARGS...: the package transaction, which restarts the
# firewall or not, measured (lab_measure), then checked.
event() {
  local name=$1 firewall=$2 runs starts restarted
  shift 2
  runs=$(hook_runs)
  lab_measure "$name" "$strategy" "$@"
  starts=${LAB_MEASURED[2]} restarted=${LAB_MEASURED[3]}
  runs=$(($(hook_runs) - runs))
  lab_expect_eq "$name: docker.service active" active "$(lab_exec systemctl is-active docker.service)"
  lab_expect "$name: Docker's rules present" lab_docker_rules_present
  lab_expect "$name: published port answers" lab_port_answers
  lab_expect "$name: every hook path ran ($runs journal entries)" test "$runs" -ge 3
  case $firewall:$strategy in
    keeps:*) lab_expect_eq "$name: the firewall kept its rules: dockerd not restarted" 0 "$starts" ;;
    *:requires) lab_expect "$name: dockerd started at most once ($starts)" test "$starts" -le 1 ;;
    *:none) lab_expect_eq "$name: dockerd started once, by the hooks" 1 "$starts" ;;
    *:reconcile)
      lab_expect_eq "$name: dockerd not restarted" 0 "$starts"
      lab_expect_eq "$name: container not restarted" 0 "$restarted" ;;
  esac
}

lab_scenario iptables
lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d
  printf "[guard]\nstrategy = %s\n" "$1" >/etc/docker-firewall-guard.conf.d/50-lab.conf' "$strategy"
lab_project_install 1
# Under reconcile, %post queued the companions' start (--no-block, so as not to hold the
# transaction): protected within moments, before the first event.
protected() {
  lab_guard status
  ((RC == 0))
}
[[ $strategy == none ]] || lab_wait_for 30 "status: protected" protected
lab_prober_start
lab_wait_for 30 "the prober's container reaches outside" lab__http_ok probe "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"

dnf=(/usr/bin/python3 /usr/bin/dnf -y --refresh)
event dnf-upgrade restarts "${dnf[@]}" upgrade iptables-services
lab_expect_eq "iptables-services upgraded" "${LAB_FW_NEW[iptables]}" "$(lab_rpm_version iptables-services)"
if lab_exec test -x /usr/bin/dnf5; then
  event dnf5-downgrade keeps dnf5 -y --refresh downgrade iptables-services
  lab_expect_eq "iptables-services downgraded" "${LAB_FW_OLD[iptables]}" "$(lab_rpm_version iptables-services)"
  event dnf5-upgrade restarts dnf5 -y --refresh upgrade iptables-services
  lab_expect_eq "iptables-services upgraded" "${LAB_FW_NEW[iptables]}" "$(lab_rpm_version iptables-services)"
fi
lab_expect_eq "docker.service never failed" 0 "$(lab_docker_failures)"
column -t -s $'\t' "$LAB_MEASURED_TSV" >&2
