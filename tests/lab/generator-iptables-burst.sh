#!/usr/bin/env bash
# The requires strategy against Docker's start limit (3 starts in 60 s) on LAB_GEN: five
# restarts of iptables.service within a minute each restart Docker, and Docker ends active
# with its rules present, because the generator's drop-in on the firewall clears Docker's
# start count after each firewall start. Without it (lab.GEN.baseline shows the seed's fix
# alone), the second or third restart left docker.service failed (start-limit-hit).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_install_generator
lab_expect "systemd loaded the firewall's drop-in" \
  lab_unit_lists iptables.service DropInPaths '*/50-docker-firewall-guard.conf'

starts=$(lab_dockerd_starts)
start=$SECONDS
for round in 1 2 3 4 5; do
  lab_iptables_restart # paced: the firewall's own start limit is 5 starts in 10 s
  lab_log "round $round: docker.service $(lab_exec systemctl is-active docker.service || true)"
done
lab_expect "five restarts within a minute" test $((SECONDS - start)) -lt 60
lab_wait_for 60 "docker.service active" lab_sh '[[ $(systemctl is-active docker.service) == active ]]'
lab_expect_eq "docker.service never hit its start limit" success \
  "$(lab_exec systemctl show -p Result --value docker.service)"
lab_expect_eq "dockerd started once per firewall restart" "$((starts + 5))" "$(lab_dockerd_starts)"
lab_wait_for 60 "container reaches outside" lab_reaches_outside
lab_expect "Docker's rules present" lab_docker_rules_present
