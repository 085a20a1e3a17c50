#!/usr/bin/env bash
# `docker-firewall-guard restart-docker` on the real systemd and dockerd of LAB_GEN, without
# the generator (so only the command restarts Docker): nothing while the rules are there;
# after an iptables restart, --dry-run changes nothing, then one dockerd start brings the
# container back and a second run (by the alias `reconcile`) does nothing; two runs started
# together cause one start; five rounds of firewall restart and restart-docker within a minute
# end with Docker active and its rules present (Docker's start limit is 3 in 60 s); every
# outcome is in the journal.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_install_cli

starts=$(lab_dockerd_starts)
lab_guard restart-docker
lab_expect_eq "with the rules present: exit" 0 "$RC"
lab_expect "with the rules present: nothing to do" grep -q "^docker.service: nothing to do: Docker's rules are present$" <<<"$OUT"

lab_iptables_restart
lab_expect "the iptables restart flushed Docker's rules" lab_docker_rules_absent
lab_guard restart-docker --dry-run
lab_expect_eq "dry run: exit" 1 "$RC"
lab_expect "dry run: says what it would do" grep -q "would restart docker.service (dry run)" <<<"$OUT"
lab_expect_eq "dry run: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"
lab_expect "dry run: the rules are still gone" lab_docker_rules_absent

lab_guard restart-docker
lab_expect_eq "after the flush: exit" 0 "$RC"
lab_expect "after the flush: restarted" grep -q "^docker.service: restarted: " <<<"$OUT"
lab_expect_eq "dockerd started exactly once more" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_wait_for 30 "container reaches outside again" lab_reaches_outside
# `reconcile`, the subcommand's former name, is its alias: scripts that call it keep working.
lab_guard reconcile
lab_expect "a second run, by the alias reconcile, does nothing" grep -q "nothing to do" <<<"$OUT"
lab_expect_eq "and starts nothing" "$((starts + 1))" "$(lab_dockerd_starts)"

lab_iptables_restart
starts=$(lab_dockerd_starts)
lab_guard_together 2 restart-docker
lab_expect_eq "two runs at once: both exit 0" 0 "$RC"
lab_expect_eq "two runs at once: one dockerd start" "$((starts + 1))" "$(lab_dockerd_starts)"
lab_expect_eq "one of them restarted" 1 "$(grep -c ": restarted: " <<<"$OUT" || true)"
lab_expect_eq "the other found nothing to do" 1 "$(grep -c ": nothing to do: " <<<"$OUT" || true)"

start=$SECONDS
for round in 1 2 3 4 5; do
  lab_iptables_restart
  lab_guard restart-docker
  lab_expect_eq "round $round: exit" 0 "$RC"
done
lab_log "five rounds took $((SECONDS - start)) s"
lab_expect "five rounds within a minute" test $((SECONDS - start)) -lt 60
lab_expect_eq "docker.service active" active "$(lab_exec systemctl is-active docker.service)"
lab_expect "Docker's rules present" lab_docker_rules_present
lab_wait_for 30 "container reaches outside" lab_reaches_outside

entries=$(lab_journal_count MESSAGE_ID=$LAB_RESTART_MESSAGE_ID GUARDED_UNIT=docker.service)
lab_expect_eq "every outcome in the journal" 11 "$entries"
last=$(lab_exec journalctl -q -o verbose -n 1 MESSAGE_ID=$LAB_RESTART_MESSAGE_ID)
for field in GUARDED_UNIT=docker.service ACTION=restarted RULES_BEFORE=flushed \
  RULES_AFTER=present "FIREWALL_UNITS=iptables.service ip6tables.service nftables.service netfilter-persistent.service ferm.service ferm-early.service"; do
  lab_expect "the last entry has $field" grep -qxF "    $field" <<<"$last"
done
