#!/usr/bin/env bash
# Docker's iptables handling turned off by a dockerd flag in a docker.service drop-in (not in
# daemon.json) on LAB_GEN: the generator writes no drop-in, check reports IPv4 as not managed,
# and neither restart-docker nor status restarts or blames Docker after the firewall restarts.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_install_cli

# The distribution's ExecStart= plus the flag, as an administrator would write it.
lab_sh 'exec_start=$(grep -h "^ExecStart=/" /lib/systemd/system/docker.service /usr/lib/systemd/system/docker.service 2>/dev/null | head -n 1)
  mkdir -p /etc/systemd/system/docker.service.d
  printf "[Service]\nExecStart=\n%s --iptables=false\n" "$exec_start" \
    >/etc/systemd/system/docker.service.d/10-no-iptables.conf'
lab_iptables_restart # Docker's old rules go; with the flag it writes none
lab_install_generator                        # daemon-reload
lab_docker_restart
cmdline=$(lab_sh 'tr "\0" " " </proc/$(systemctl show -p MainPID --value docker.service)/cmdline')
lab_expect "dockerd runs with --iptables=false" grep -q -- "--iptables=false" <<<"$cmdline"
lab_expect_eq "the generator wrote no drop-in" absent \
  "$(lab_path_state /run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf)"
lab_expect_not "docker.service does not require the firewall" \
  lab_unit_lists docker.service Requires iptables.service

lab_guard check
lab_expect_eq "check: exit" 0 "$RC"
lab_expect "check: IPv4 not managed" grep -q "IPv4 not-managed" <<<"$OUT"

starts=$(lab_dockerd_starts)
lab_iptables_restart
lab_guard restart-docker
lab_expect_eq "restart-docker after a firewall restart: exit" 0 "$RC"
lab_expect "restart-docker restarts nothing" grep -q "^docker.service: nothing to do: " <<<"$OUT"
lab_expect_eq "dockerd starts unchanged" "$starts" "$(lab_dockerd_starts)"

lab_guard status --json
lab_expect "status --json: Docker's iptables off, seen from dockerd's own command line" \
  lab_sh 'python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if d[\"docker\"][\"iptables\"] is False and d[\"rules\"][\"families\"][0][\"state\"] == \"not-managed\" else 1)"' <<<"$OUT"
