#!/usr/bin/env bash
# `docker-firewall-guard status [--json]` and `config --check` on the real systemd of LAB_GEN:
# without the generator's drop-in the host is not protected (exit 1) and says to reload;
# with it, protected (exit 0) with the firewall it is bound to; the JSON parses and carries
# the same verdict; config --check names the file, section and key of a bad setting (78).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# status ARGS...: runs status (lab_guard), sets RC, OUT and ERR.
status() { lab_guard status "$@"; }

# json_is EXPRESSION: the last JSON output, as `d` in Python, makes EXPRESSION true.
json_is() {
  lab_sh 'python3 -c "import json, sys; d = json.load(sys.stdin); sys.exit(0 if ($1) else 1)"' \
    "$1" <<<"$OUT"
}

lab_scenario iptables
lab_install_cli

status
lab_expect_eq "without the drop-in: exit" 1 "$RC"
lab_expect "without the drop-in: not protected, and what to do" \
  grep -qx "Protected: no - docker.service has not loaded the guard's drop-in: run systemctl daemon-reload" <<<"$OUT"
status --json
lab_expect_eq "--json without the drop-in: exit" 1 "$RC"
lab_expect "--json: parses, not protected, drop-in not loaded" \
  json_is 'd["protected"] == "no" and d["services"][0]["dropin_loaded"] is False'

lab_install_generator
status
lab_expect_eq "with the drop-in: exit" 0 "$RC"
lab_expect "with the drop-in: protected by iptables.service" \
  grep -qx "Protected: yes - docker.service restarts with iptables.service (strategy requires)" <<<"$OUT"
lab_expect "it shows what systemd loaded" \
  grep -q "^docker.service: active (running); drop-in loaded; Requires=iptables.service; After=iptables.service" <<<"$OUT"
lab_expect "it advises live-restore" grep -q "^Advice: live-restore is off" <<<"$OUT"
status --json
lab_expect "--json: protected, bound to iptables.service, rules present" \
  json_is 'd["protected"] == "yes" and d["services"][0]["bound_firewalls"] == ["iptables.service"] and d["rules"]["state"] == "present" and d["firewalls"][0]["bound"]'

lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d
  printf "[guard]\nstrategy = sometimes\n" >/etc/docker-firewall-guard.conf.d/60-bad.conf'
lab_guard config --check
lab_expect_eq "config --check: exit" 78 "$RC"
lab_expect "config --check names file, section and key (standard error)" grep -qF \
  "/etc/docker-firewall-guard.conf.d/60-bad.conf: [guard] strategy: 'sometimes' is not one of" <<<"$ERR"
