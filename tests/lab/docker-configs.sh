#!/usr/bin/env bash
# Strategy reconcile against Docker's configurations (configs.sh), differentially: the oracle
# is the rule set itself (../shared/DESIGN.md, "Judging Docker's rules"), not a model of
# what Docker would write.
# Usage: docker-configs.sh CONFIG [FW]
#   CONFIG  one of configs.sh's LAB_CONFIGS
#   FW      iptables (the default and, so far, the only one): LAB_EL's iptables.service
#           (fixtures/iptables.init, EL 8 by default) with its stock file; for ipv6 also
#           ip6tables.service
# The host is set up as CONFIG (lab_config_world: its daemon.json, the lab's web container,
# its own networks, containers and chains), the guard installed with strategy reconcile.
# Then, for each firewall unit, the events restart, reload, and stop then start; after each,
# once systemd has no job left and the guard's restore said it finished (journal):
#   - both families' whole rule sets, normalised (lab_rules_normalised: comments and
#     counters aside, chains sorted, each chain's order kept), equal those before the events
#     (a unified diff when not);
#   - dockerd's MainPID and its start count unchanged (not restarted);
#   - `docker-firewall-guard check` exits 0;
#   - CONFIG's own traffic does what it must (lab_config_traffic).
# On bookworm (Docker 20.10), ipv6 adds a network and a container publishing a port after the
# first event (the firewall has loaded its file again by then, Docker kept running); the rules
# with it are the new "before", and their order must hold through the other events. (ipv6:
# the configuration of the core set whose IPv4 events did not restart Docker on 2026-12-07,
# so that the late container, with no restart policy, outlives them.)
# Every check is made and every failure kept, so that one run says all that differs; the test
# fails at the end when any did.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/configs.sh"

config=${1:?configuration} fw=${2:-iptables}
lab_config_known "$config" || lab_die "unknown configuration $config (one of: ${LAB_CONFIGS[*]})"
[[ $fw == iptables ]] || lab_die "FW $fw: only iptables (EL's iptables.service) so far"
late_network=0 # 0: none in this run; 1: to come after the first event; 2: there
[[ $config == ipv6 && $LAB_GEN == bookworm ]] && late_network=1
start=$SECONDS

# Checks that record a failure and go on; the test fails at the end (see above).
failures=()
failed() {
  lab_log "FAIL (going on): $1"
  failures+=("$1")
}
soft_eq() { if [[ $2 == "$3" ]]; then lab_log "ok: $1 ($3)"; else failed "$1: expected '$2', got '$3'"; fi; }
# soft_wait SECONDS DESCRIPTION CMD...: CMD succeeds within SECONDS (tried at least once).
soft_wait() {
  local timeout=$1 what=$2 begin=$SECONDS
  shift 2
  until "$@"; do
    if ((SECONDS - begin >= timeout)); then
      failed "$what: not within $timeout s"
      return 0
    fi
    sleep 1
  done
  lab_log "ok: $what (after $((SECONDS - begin)) s)"
}
# The traffic checks of one step: the first waits for the paths to come back, the rest are
# tried for a few seconds only, so that a step whose rules are broken ends in minutes.
traffic_wait=15
traffic() {
  local what=$1
  shift
  soft_wait "$traffic_wait" "$step: $what" "$@"
  traffic_wait=3
}
late_answers() { lab_port_answers_outside 8085; }
# all_traffic: CONFIG's traffic (and the late container's, once there).
all_traffic() {
  traffic_wait=15
  lab_config_traffic "$config" traffic
  ((late_network < 2)) || traffic "late's port 8085 answers from outside" late_answers
}

dockerd_pid() { lab_exec systemctl show -p MainPID --value docker.service; }
restores() { lab_journal_count MESSAGE_ID=$LAB_RESTORE_MESSAGE_ID; }
restored_since() { (($(restores) > $1)); }

lab_init
lab_host_boot
lab_config_world "$config"
firewalls=(iptables.service)
[[ $config != ipv6 ]] || firewalls+=(ip6tables.service)
lab_guard_reconcile "${firewalls[@]}"

step=before
before=$(lab_rules_normalised)
lab_log "the rule sets before the events: $(wc -l <<<"$before") lines"
pid=$(dockerd_pid)
starts=$(lab_dockerd_starts)
lab_guard check
soft_eq "before: check: Docker's rules in place (exit)" 0 "$RC"
all_traffic

# event UNIT NAME: the firewall event (restart, reload, stop-start), paced; then the checks.
event() {
  local unit=$1 name=$2 count pre after diff
  step="${unit%.service} $name"
  lab_log "$step"
  pre=$(lab_rules_normalised)
  count=$(restores)
  case $name in
    restart | reload) lab_firewall_paced lab_exec systemctl "$name" "$unit" ;;
    stop-start)
      lab_firewall_paced lab_exec systemctl stop "$unit"
      lab_firewall_paced lab_exec systemctl start "$unit" ;;
  esac
  # The restore runs in the firewall's own job (ExecStartPost=, ExecReload=, ExecStopPost=);
  # units ordered after it (blocklist.service) run in jobs of their own.
  lab_wait_for 60 "$step: systemd's jobs done" lab_jobs_done
  soft_wait 20 "$step: the guard's restore finished (journal)" restored_since "$count"
  after=$(lab_rules_normalised)
  if [[ $after == "$before" ]]; then
    lab_log "ok: $step: both rule sets as before the events"
  else
    diff=$(diff -u --label before --label "after $step" <(echo "$before") <(echo "$after") || true)
    printf '%s\n' "$diff" >&2
    mkdir -p "$LAB_ARTIFACTS"
    printf '%s\n' "$diff" >"$LAB_ARTIFACTS/diff-$config-${unit%.service}-$name.txt"
    failed "$step: the rule sets differ from before the events (diff above)"
    [[ $pre == "$before" ]] || lab_log "$step began from rule sets already differing from before the events"
  fi
  soft_eq "$step: dockerd's MainPID unchanged" "$pid" "$(dockerd_pid)"
  soft_eq "$step: dockerd started 0 times" "$starts" "$(lab_dockerd_starts)"
  lab_guard check
  soft_eq "$step: check: Docker's rules in place (exit)" 0 "$RC"
  all_traffic
}

# late: a network and a container publishing a port, created while Docker runs after the
# firewall loaded its file again; where Docker 20.10 puts their FORWARD rules is logged.
late() {
  step=late
  lab_exec docker network create --subnet 10.85.0.0/24 latenet >/dev/null
  lab_config_serve late --network latenet -p 8085:80
  late_network=2
  lab_log "late: FORWARD now: $(lab_exec iptables -w -S FORWARD | tr '\n' '|')"
  soft_wait 30 "late: its port 8085 answers from outside" late_answers
  before=$(lab_rules_normalised)
  lab_guard check
  soft_eq "late: check: Docker's rules in place (exit)" 0 "$RC"
}

for unit in "${firewalls[@]}"; do
  event "$unit" restart
  ((late_network != 1)) || late
  event "$unit" reload
  event "$unit" stop-start
done

lab_log "$config: $((SECONDS - start)) s"
if ((${#failures[@]})); then
  lab_die "$config: ${#failures[@]} checks failed:$(printf '\n  %s' "${failures[@]}")"
fi
lab_log "ok: $config: every event left the rules, dockerd and the traffic as they were"
