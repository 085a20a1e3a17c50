#!/usr/bin/env bash
# `docker-firewall-guard after-transaction` on the real systemd, dockerd and dnf of LAB_GEN,
# called by hand as the package hooks will call it: silent for an unrelated transaction; after
# a dnf upgrade of iptables-services (whose %postun restarts the firewall) one dockerd start
# brings the container back; with [hook] action = report it only says so; always exit 0 but
# for a malformed argument (64).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# after ARGS...: runs after-transaction (lab_guard), sets RC, OUT and ERR.
after() { lab_guard after-transaction "$@"; }

lab_scenario iptables
lab_install_cli
starts=$(lab_dockerd_starts)

after --changed kernel:upgrade nftables:install
lab_expect_eq "unrelated: exit" 0 "$RC"
lab_expect_eq "unrelated: silent" "" "$OUT$ERR"

lab_firewall_event iptables upgrade
lab_expect "the upgrade's restart flushed Docker's rules" lab_docker_rules_absent
after --changed kernel:upgrade iptables-services:upgrade
lab_expect_eq "after the upgrade: exit" 0 "$RC"
lab_expect "after the upgrade: restarted" grep -q "^docker.service: restarted: " <<<"$OUT"
lab_expect_eq "dockerd started once more" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_wait_for 30 "container reaches outside again" lab_reaches_outside
after --changed iptables-services:upgrade
lab_expect_eq "called again: silent" "" "$OUT$ERR"
lab_expect_eq "called again: no start" "$((starts + 1))" "$(lab_dockerd_starts)"

lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d
  printf "[hook]\naction = report\n" >/etc/docker-firewall-guard.conf.d/50-report.conf'
lab_iptables_restart
after --changed iptables-services:reinstall
lab_expect_eq "report only: exit" 0 "$RC"
lab_expect "report only: says it would restart" grep -q "would restart docker.service" <<<"$OUT"
lab_expect_eq "report only: no start" "$((starts + 1))" "$(lab_dockerd_starts)"

after --changed iptables-services=upgrade
lab_expect_eq "a malformed argument: exit" 64 "$RC"
