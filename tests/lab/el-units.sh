#!/usr/bin/env bash
# The units beside the firewall on an EL host, under strategy reconcile, with LAB_EL's
# iptables.service (fixtures/iptables.init) and its stock rules:
#   fail2ban  a fail2ban-like unit (fixtures/fail2ban.service: PartOf= and After= the
#             firewall; its chain f2b-lab, with a ban, jumped to from DOCKER-USER, as fail2ban
#             with chain = DOCKER-USER). A restart, and five in a row, restart it after the
#             guard's restore: its jump is in DOCKER-USER once, its ban there. A reload (EL's
#             loads the file, which replaces filter) takes its chain, as it does without
#             Docker: the restore leaves its jump to it, and says so; its next start adds it.
#   refused   six restarts at once: the unit's own start limit refuses the last start
#             (start-limit-hit); Docker's rules are back all the same (the stop's restore),
#             nothing restarted; the next start, once reset, restarts Docker at most once
#   bad file  a rules file that does not load: the start fails and Docker's rules are back;
#             with iptables.fallback there, the start loads that
# After each: Docker is never restarted, both containers reach outside, the published port
# answers from outside, and the journal has the guard's restore entries.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_guard_reconcile iptables.service
lab_fail2ban_start
lab_expect_eq "fail2ban: its jump once, its ban" "1 1" "$(lab_fail2ban_state)"
starts=$(lab_dockerd_starts)

# fine NAME: what every step must leave.
fine() {
  lab_wait_for 20 "$1: the web container reaches outside" lab_reaches_outside
  lab_expect "$1: its published port answers from outside" lab_port_answers
  lab_expect "$1: Docker's rules present" lab_docker_rules_present
  lab_expect_eq "$1: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"
}
restores() { lab_journal_count MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID; }
# fail2ban restarts with the firewall, in a job of its own that systemctl does not wait for.
fail2ban_once() { [[ $(lab_fail2ban_state) == "1 1" ]]; }

lab_log "fail2ban: systemctl restart iptables"
lab_firewall_paced lab_exec systemctl restart iptables.service
fine "fail2ban restart"
lab_expect_eq "fail2ban restart: fail2ban active again" active "$(lab_exec systemctl is-active fail2ban.service)"
lab_wait_for 10 "fail2ban restart: its jump once, its ban" fail2ban_once

lab_log "fail2ban: five restarts in a row"
for round in 1 2 3 4 5; do
  lab_firewall_paced lab_exec systemctl restart iptables.service
  lab_wait_for 10 "fail2ban restart-$round: its jump once, its ban" fail2ban_once
done
fine "fail2ban restarts"

lab_log "fail2ban: systemctl reload iptables (the file replaces filter, fail2ban's chain too)"
lab_firewall_paced lab_exec systemctl reload iptables.service
fine "fail2ban reload"
lab_expect_eq "fail2ban reload: its chain gone, as without Docker" "0 0" "$(lab_fail2ban_state)"
lab_expect "fail2ban reload: the restore said it left the jump to its owner" \
  lab_journal_has --has "left to their owners" MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID
lab_exec systemctl restart fail2ban.service
lab_expect_eq "fail2ban restarted: its jump once, its ban" "1 1" "$(lab_fail2ban_state)"
lab_exec systemctl stop fail2ban.service

lab_log "refused: six restarts at once, the last refused by the unit's start limit"
sleep 10 # the start limit counts the last 10 s: begin from none
before=$(restores)
refused=$(lab_sh 'for i in 1 2 3 4 5 6; do systemctl restart iptables.service 2>/dev/null || echo "$i"; done')
lab_expect_eq "refused: the sixth restart refused" 6 "$refused"
lab_expect_eq "refused: iptables.service failed by its start limit" start-limit-hit \
  "$(lab_exec systemctl show -p Result --value iptables.service)"
fine refused
lab_expect "refused: the journal has the restores" test "$(restores)" -gt "$before"
lab_expect_eq "refused: the after-companion failed with it, to run at the next start" failed \
  "$(lab_exec systemctl is-active docker-firewall-guard-after-iptables.service || true)"
# The next start saves what the refused one left in place (the stop's restore put it back)
# and puts it back after the firewall's file loaded: no restart of Docker.
lab_exec systemctl reset-failed iptables.service
lab_firewall_paced lab_exec systemctl start iptables.service
lab_wait_for 60 "refused, then started: the web container reaches outside" lab_reaches_outside
lab_expect_eq "refused, then started: dockerd not restarted" "$starts" "$(lab_dockerd_starts)"
starts=$(lab_dockerd_starts)
fine "refused, then started"
lab_expect "refused, then started: the rules file loaded" lab_firewall_rules_present iptables

lab_log "bad file: a rules file that does not load"
lab_sh 'cp /etc/sysconfig/iptables /root/iptables.good
  printf "%s\n" "*filter" ":INPUT ACCEPT [0:0]" "-A INPUT -j NO-SUCH-CHAIN" "COMMIT" >/etc/sysconfig/iptables'
rc=0
lab_firewall_paced lab_exec systemctl restart iptables.service 2>/dev/null || rc=$?
lab_expect "bad file: the restart failed" test "$rc" -ne 0
lab_expect_eq "bad file: iptables.service failed" failed "$(lab_exec systemctl is-active iptables.service || true)"
fine "bad file"
lab_exec cp /root/iptables.good /etc/sysconfig/iptables.fallback
lab_exec systemctl reset-failed iptables.service
lab_firewall_paced lab_exec systemctl restart iptables.service
lab_expect_eq "bad file, fallback there: iptables.service active" active "$(lab_exec systemctl is-active iptables.service)"
lab_expect "bad file, fallback there: it loaded" lab_firewall_rules_present iptables
fine "bad file, fallback there"
lab_log "ok: $(restores) restores in the journal, dockerd started $(($(lab_dockerd_starts) - starts)) times"
