#!/usr/bin/env bash
# The seed's experiment with the project's generator installed (strategy "requires", the
# default), on the real systemd. Usage: generator.sh FIREWALL EVENT (as baseline.sh).
# Expected: after daemon-reload, systemd loaded the drop-in and docker.service Requires= and
# is After= the enabled firewall (and no other); a config with errors neither stops it nor
# lets a unit name escape the output directory. After the firewall event, dockerd restarts
# exactly once by itself and the container reaches outside again.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

fw=${1:?firewall} event=${2:?event}
dropin=/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf

# has_word PROPERTY WORD: systemctl show docker.service's PROPERTY lists WORD.
has_word() { lab_unit_lists docker.service "$1" "$2"; }

lab_scenario "$fw"
lab_expect_not "docker.service does not yet require $fw.service" has_word Requires "$fw.service"

# One good key, two bad ones: the bad ones are logged and keep their defaults.
lab_sh 'printf "%s\n" "[guard]" "strategy = requires" "services = ../../../etc/evil.service" \
  "firewalls = iptables.service nftables.service ip6tables.service" "[hook]" "timeout = soon" \
  >/etc/docker-firewall-guard.conf'
lab_install_generator
lab_expect "systemd loaded $dropin" has_word DropInPaths "$dropin"
lab_expect "the drop-in requires exactly $fw.service" lab_exec grep -qx "Requires=$fw.service" "$dropin"
lab_expect "docker.service Requires=$fw.service" has_word Requires "$fw.service"
lab_expect "docker.service After=$fw.service" has_word After "$fw.service"
# (find may meet files that vanish under it: its status aside, what it lists counts.)
escaped=$(lab_sh 'find / -xdev -name "evil.service*" 2>/dev/null || true')
lab_expect_eq "no unit name escaped the generator's directory" "" "$escaped"
lab_expect_eq "system still running" running "$(lab_exec systemctl is-system-running)"

dockerd_starts=$(lab_dockerd_starts)
lab_firewall_event "$fw" "$event"

lab_wait_for 60 "container reaches outside again, with nobody restarting docker" lab_reaches_outside
lab_expect "$fw's rule file loaded" lab_firewall_rules_present "$fw"
lab_expect "Docker's rules present" lab_docker_rules_present
lab_expect "published port answers" lab_port_answers
lab_expect_eq "docker.service active" active "$(lab_exec systemctl is-active docker.service)"
lab_expect_eq "dockerd started exactly once more" "$((dockerd_starts + 1))" "$(lab_dockerd_starts)"
