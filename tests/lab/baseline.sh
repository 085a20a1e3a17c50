#!/usr/bin/env bash
# The seed's experiment without the project installed; proves the lab reproduces the bug and
# its cure. Usage: baseline.sh FIREWALL EVENT
#   FIREWALL  iptables | nftables (the stand-in that is installed and enabled)
#   EVENT     restart  (systemctl restart FIREWALL)
#             upgrade  (dnf upgrade of its package; the old package's %postun restarts it)
# Expected: before, the published port answers and the container reaches outside; after the
# event the port still answers (docker-proxy) but the container cannot reach outside, and
# dockerd was not restarted; after `systemctl restart docker`, it can again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fw=${1:?firewall} event=${2:?event}

lab_scenario "$fw"

lab_expect "Docker's rules present" lab_docker_rules_present
dockerd_starts=$(lab_dockerd_starts)
web_starts=$(lab_web_starts)
fw_started=$(lab_unit_started_at "$fw.service")

lab_firewall_event "$fw" "$event"

fw_started_now=$(lab_unit_started_at "$fw.service")
lab_expect "$fw.service was restarted by the $event" test "$fw_started_now" -gt "$fw_started"
lab_expect "$fw's rule file loaded" lab_firewall_rules_present "$fw"
lab_expect "Docker's rules gone" lab_docker_rules_absent
lab_expect "published port still answers on the host (docker-proxy)" lab_port_answers_locally
lab_expect "container cannot reach outside (the seed's bug)" lab_cut_off
lab_expect_eq "dockerd starts unchanged" "$dockerd_starts" "$(lab_dockerd_starts)"

lab_exec systemctl restart docker.service
lab_wait_for 60 "container reaches outside again after restarting docker" lab_reaches_outside
lab_expect "published port answers" lab_port_answers
lab_expect "Docker's rules present" lab_docker_rules_present
lab_expect_eq "dockerd starts" "$((dockerd_starts + 1))" "$(lab_dockerd_starts)"
lab_expect_eq "web container starts" "$((web_starts + 1))" "$(lab_web_starts)"
