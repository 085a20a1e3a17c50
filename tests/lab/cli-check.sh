#!/usr/bin/env bash
# `docker-firewall-guard check` on the real iptables and dockerd of LAB_GEN: 0 with Docker's
# rules present, 1 after the firewall flushed them (a restart of iptables.service, or nft's
# `flush ruleset`), 0 again once Docker restarted, 2 when the iptables binary is missing.
# (A held xtables lock cannot make it 2 here: iptables-nft, every generation's and EL 8's
# backend, takes no lock; seen in the lab, `iptables -w` added rules while flock held it.)
# IPv6 is checked exactly when Docker manages ip6tables (by default from Docker 27 on).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# expect_check STATUS WORD DESCRIPTION: check exits STATUS and its line says "rules: WORD".
expect_check() {
  lab_guard check
  lab_expect_eq "$3: exit status" "$1" "$RC"
  lab_expect "$3: says $2" grep -q "^Docker's rules: $2 " <<<"$OUT"
  CHECK_OUT=$OUT
}

lab_scenario iptables
lab_install_cli

docker_major=$(lab_exec docker version -f '{{.Server.Version}}')
docker_major=${docker_major%%.*}
expect_check 0 present "Docker's rules in place"
if ((docker_major >= 27)); then
  lab_expect "Docker $docker_major: IPv6 checked and present" grep -q "IPv6 present" <<<"$CHECK_OUT"
else
  lab_expect "Docker $docker_major: IPv6 not managed" grep -q "IPv6 not-managed" <<<"$CHECK_OUT"
fi

lab_exec mv /usr/sbin/iptables /usr/sbin/iptables.away
expect_check 2 unknown "without the iptables binary"
lab_expect "it says why" grep -q "iptables: not found" <<<"$CHECK_OUT"
lab_exec mv /usr/sbin/iptables.away /usr/sbin/iptables
expect_check 0 present "with the binary back"

# Docker allows three starts in 60 s (start limit): boot, lab_world_up, and this one.
lab_iptables_restart
lab_expect "the restart flushed Docker's rules" lab_docker_rules_absent
expect_check 1 flushed "after an iptables restart"
lab_expect "it names the missing rule" grep -q "IPv4 flushed: filter FORWARD -j DOCKER-USER" <<<"$CHECK_OUT"

lab_docker_restart
expect_check 0 present "after Docker restarted"

lab_exec nft flush ruleset
expect_check 1 flushed "after nft flush ruleset"
