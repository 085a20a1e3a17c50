#!/usr/bin/env bash
# The demo's story in one lab host of LAB_GEN (tools/demo.sh builds what it needs first):
#   1. an EL-style host: iptables.service from a package, Docker, a web container (-p 8080)
#      and a prober container that connects outside every 30 ms;
#   2. without the package, `systemctl restart iptables` cuts the containers off (the seed's
#      bug) until Docker is restarted by hand;
#   3. the project's RPMs installed with rpm: the drop-in is in effect at once;
#   4. strategy requires (the default): `systemctl restart iptables`, then
#      `dnf upgrade iptables-services`: Docker restarts by itself and the containers are back;
#   5. strategy reconcile (recommended): `systemctl restart iptables`, `dnf downgrade` and
#      `dnf upgrade` of iptables-services: no Docker restart, cut off only while the
#      firewall's command runs.
# The story goes to standard error, ending with the table (also in <build>/lab/GEN/demo.tsv);
# standard output has the details of the lab's own steps.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

LAB_MEASURED_TSV=$LAB_BUILD_DIR/lab/$LAB_GEN/demo.tsv
rm -f "$LAB_MEASURED_TSV"
dnf=(/usr/bin/python3 /usr/bin/dnf -y -q --refresh)
strategy() {
  lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d
    printf "[guard]\nstrategy = %s\n" "$1" >/etc/docker-firewall-guard.conf.d/50-demo.conf
    systemctl daemon-reload' "$1"
}

lab_log "1. booting a $LAB_GEN host: iptables.service (the EL-style package), Docker, containers"
lab_scenario iptables
lab_prober_start
lab_wait_for 30 "the prober reaches outside" lab__http_ok probe "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"

lab_log "2. without the package: systemctl restart iptables"
starts=$(lab_dockerd_starts)
lab_event_time systemctl restart iptables.service
sleep 3
lab_expect "the published port still answers on the host (docker-proxy)" lab_port_answers_locally
lab_expect "but the container cannot reach outside: the seed's bug" lab_cut_off
lab_log "   restarting Docker by hand, as administrators do today"
lab_exec systemctl restart docker.service
lab_wait_for 60 "the container reaches outside again" lab_reaches_outside
lab_event_cut "$(lab_uptime)"
printf 'event\tstrategy\tdockerd starts\tcontainer restarted\tcommand s\toutage s\n' >"$LAB_MEASURED_TSV"
printf 'systemctl restart iptables\t(no package)\t%s by hand\t1\t-\tuntil Docker was restarted by hand (%s s here)\n' \
  "$(($(lab_dockerd_starts) - starts))" "$LAB_EVENT_OUTAGE" >>"$LAB_MEASURED_TSV"

lab_log "3. installing the project's RPMs with rpm"
lab_copy_in "$(lab_gen_build_dir)/../rpms/1" /srv/project-rpms
lab_exec sh -c 'rpm -Uvh /srv/project-rpms/docker-firewall-guard-[0-9]*.rpm \
  /srv/project-rpms/python3-dnf-plugin-docker-firewall-guard-*.rpm' >&2
lab_log "   systemctl cat docker.service, at once (no reboot, no Docker restart):"
lab_exec systemctl cat docker.service | sed -n '/50-docker-firewall-guard.conf/,$p' |
  grep -v '^# [^/]' >&2

lab_log "4. strategy requires (the default)"
lab_measure "systemctl restart iptables" requires systemctl restart iptables.service
lab_measure "dnf upgrade iptables-services" requires "${dnf[@]}" upgrade iptables-services

lab_log "5. strategy reconcile (recommended): daemon-reload, then start its companions"
strategy reconcile
lab_exec sh -c 'systemctl start docker-firewall-guard-before-iptables.service \
  docker-firewall-guard-after-iptables.service'
lab_guard status # its output goes to the story
lab_expect_eq "status: protected (exit)" 0 "$RC"
lab_measure "systemctl restart iptables" reconcile systemctl restart iptables.service
lab_measure "dnf downgrade iptables-services" reconcile "${dnf[@]}" downgrade iptables-services
lab_measure "dnf upgrade iptables-services" reconcile "${dnf[@]}" upgrade iptables-services

lab_log "done: each event, what it cost the containers (outage: longest time without a connection)"
column -t -s $'\t' "$LAB_MEASURED_TSV" >&2
