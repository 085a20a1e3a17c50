#!/usr/bin/env bash
# Strategy reconcile on Debian's own firewall packages, as a Debian administrator meets them.
# Usage: debian-firewalls.sh [FIREWALL...]   (default: nftables netfilter-persistent ferm)
#   nftables              Debian's nftables.service and its stock /etc/nftables.conf
#                         (`flush ruleset`; the unit's stop is `nft flush ruleset`)
#   netfilter-persistent  iptables-persistent installed while Docker runs, so its postinst saves
#                         Docker's live rules to rules.v4/rules.v6; then a container is
#                         re-created elsewhere, so the file's copies of Docker's rules are stale
#   ferm                  ferm.service with an administrator's ferm.conf that lets forwarded
#                         traffic through (the stock one drops it): iptables-legacy on bookworm
#                         and trixie (beside Docker's nf_tables rules), the alternative on forky
# The packages are Debian's, with their own maintainer scripts, from the image
# (/var/cache/lab-debs, image.sh); the package event is a reinstall through apt-get, which
# runs the postinst's restart as an upgrade does (docs/debian-firewalls.md). The guard is the
# project's .deb installed with apt-get where one was built for this generation (build.sh deb,
# or on the machine's own release the deb test: LAB_DEB_DIR, default
# $LAB_BUILD_DIR/tests/deb-out), else the build for LAB_GEN.
# Each firewall: installed and enabled (its first start), then restart, reload, stop, start and
# the reinstall, each timed and checked as strategy-events.sh does (events.sh: containers reach
# outside, published ports answer from outside, dockerd started 0 times, no flow stuck); after
# them every rule is as before, in the same order. netfilter-persistent also: `systemctl
# reload` is refused, and a `netfilter-persistent reload` run by hand (outside any job, so
# outside the guard's reach) is seen by `check` and mended by `restart-docker`, as the docs say
# (on the full generation, LAB_FULL_GENERATION: netfilter-persistent is the same everywhere).
# Figures: $LAB_BUILD_DIR/lab/GEN/events-reconcile-debian.tsv.
# shellcheck disable=SC2034 # events.sh reads strict, recovery_wait, strategy, live_restore
# and flavour
set -euo pipefail
source "$(dirname "$0")/lib.sh"

firewalls=("$@")
((${#firewalls[@]})) || firewalls=(nftables netfilter-persistent ferm)
strict=1 recovery_wait=40 strategy=reconcile live_restore=off
out_dir=$LAB_BUILD_DIR/lab/$LAB_GEN
mkdir -p "$out_dir"
tsv=$out_dir/events-reconcile-debian.tsv
source "$(dirname "$0")/events.sh"
readonly debs=/var/cache/lab-debs

# apt_local ARGS...: apt-get in the host, unattended, on local .deb files only.
apt_local() {
  lab_exec env DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold "$@"
}
# The guard's .deb for this generation, or nothing: the one its build container made
# (build.sh deb, LAB_DEB_GENERATIONS), else one built on this machine (the deb test), which
# serves only a host of the machine's own release.
project_deb() {
  local dir=${LAB_DEB_DIR:-$LAB_BUILD_DIR/tests/deb-out}
  if ! compgen -G "$(lab_gen_build_dir)/deb/docker-firewall-guard_*.deb"; then
    [[ $(. /etc/os-release && echo "${VERSION_CODENAME:-}") == "$LAB_GEN" ]] || return 0
    compgen -G "$dir/docker-firewall-guard_*.deb"
  fi | head -n 1 || true
}
port_8070_answers() { lab_port_answers_outside 8070; }
address_of() { lab_exec docker inspect -f '{{.NetworkSettings.IPAddress}}' "$1"; }
# republish GONE NEW: GONE, which publishes port 8070, removed and NEW started in its place at
# another address (a spacer takes the one GONE freed): copies of Docker's rules saved before
# now lead 8070 nowhere.
republish() {
  local before
  before=$(address_of "$1")
  lab_exec docker rm -f "$1" >/dev/null
  lab_exec docker run -d --name "spacer-$1" lab/busybox sleep 100000 >/dev/null
  lab_exec docker run -d --name "$2" --restart always -p 8070:80 lab/busybox \
    sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
  lab_wait_for 30 "$2's port answers" port_8070_answers
  lab_expect_not "$2 is not at $1's address" test "$before" = "$(address_of "$2")"
}

# events FW UNIT RELOAD PACKAGE...: the events on UNIT, each checked, the reinstall of FW's
# PACKAGEs (their files in its directory) last; the rules compared whole after them. RELOAD is the
# reload event's systemctl verb.
events() {
  local fw=$1 unit=$2 reload=$3 rules_before started
  shift 3
  flavour=debian-$fw
  rules_before=$(lab_all_rules)
  event restart systemctl restart "$unit"
  event reload systemctl "$reload" "$unit"
  event stop systemctl stop "$unit"
  event start systemctl start "$unit"
  started=$(lab_unit_started_at "$unit")
  # shellcheck disable=SC2016 # the host's shell expands them
  event reinstall sh -c 'cd "$0" && for p; do set -- "$@" ./"$p"_*.deb; shift; done &&
    DEBIAN_FRONTEND=noninteractive apt-get -y -q -o Dpkg::Options::=--force-confold \
    install --reinstall "$@" >/dev/null' "$debs/$fw" "$@"
  lab_expect "reinstall: the postinst restarted $unit" test "$started" != "$(lab_unit_started_at "$unit")"
  diff -u <(echo "$rules_before") <(lab_all_rules) >&2 ||
    lab_die "$fw: the rules differ from before its events"
  lab_log "ok: $fw: every rule of both families is as before its events, in the same order"
}

lab_init
lab_host_boot
lab_outside_setup
lab_docker_restart
lab_busybox_image
lab_web_run
lab_wait_for 30 "web reaches outside" lab_reaches_outside
app_up

# Debian's nftables.service back in place (image.sh moved it aside for the fixture RPMs).
lab_sh 'unit=$(dpkg-query -L nftables | grep -m1 "/systemd/system/nftables\.service$")
  dpkg-divert --local --rename --remove "$unit" >/dev/null'

# The guard, strategy reconcile, as a Debian administrator installs it.
metrics=/var/lib/node_exporter/textfile_collector/docker-firewall-guard.prom
lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d "$(dirname "$1")"
  printf "%s\n" "[guard]" "strategy = reconcile" "metrics-file = $1" \
    >/etc/docker-firewall-guard.conf.d/50-lab.conf' "$metrics"
deb=$(project_deb)
if [[ -n $deb ]]; then
  lab_copy_in "$deb" "/root/$(basename "$deb")"
  apt_local install "/root/$(basename "$deb")" >/dev/null
  lab_log "installed $(basename "$deb") with apt-get"
else
  lab_install_cli
  lab_install_generator
fi
# No firewall unit is enabled yet, so the generator binds nothing: each firewall below is bound
# when its package (or the administrator) enables it, by that daemon-reload, without a reboot.
lab_guard status

lab_prober_start
lab_flows_start
sleep 1
: >"$tsv"

for fw in "${firewalls[@]}"; do
  case $fw in
    nftables)
      flavour=debian-nftables
      event enable systemctl enable --now nftables.service
      lab_expect "docker.service has the guard's drop-in, without a reboot" \
        lab_unit_lists docker.service DropInPaths '*/50-docker-firewall-guard.conf'
      lab_expect "docker.service After=nftables.service" lab_unit_lists docker.service After nftables.service
      lab_expect "the stock ruleset loaded" lab_exec nft list table inet filter
      events nftables nftables.service reload nftables
      lab_exec systemctl disable --quiet nftables.service ;;
    netfilter-persistent)
      lab_exec docker run -d --name old -p 8070:80 lab/busybox \
        sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
      lab_wait_for 30 "old's port answers" port_8070_answers
      old=$(address_of old)
      flavour=debian-netfilter-persistent
      # Its postinst enables and starts the unit; iptables-persistent's saves the live rules.
      # shellcheck disable=SC2016
      event install sh -c 'cd "$0" && DEBIAN_FRONTEND=noninteractive apt-get -y -q install ./*.deb >/dev/null' \
        "$debs/netfilter-persistent"
      lab_expect "rules.v4 holds Docker's DNAT to old ($old)" \
        lab_exec grep -q -- "--to-destination $old:80" /etc/iptables/rules.v4
      republish old new
      lab_expect "docker.service After=netfilter-persistent.service" \
        lab_unit_lists docker.service After netfilter-persistent.service
      lab_expect_not "systemctl reload is refused (no ExecReload=)" \
        lab_exec systemctl reload netfilter-persistent.service
      events netfilter-persistent netfilter-persistent.service reload-or-restart \
        netfilter-persistent iptables-persistent
      lab_expect "after its events, port 8070 answers" port_8070_answers
      lab_exec systemctl disable --quiet netfilter-persistent.service ;;
    ferm)
      lab_sh 'mkdir -p /etc/ferm && cat >/etc/ferm/ferm.conf' <"$LAB_DIR/fixtures/ferm.conf"
      flavour=debian-ferm
      event install sh -c 'cd "$0" && DEBIAN_FRONTEND=noninteractive apt-get -y -q \
        -o Dpkg::Options::=--force-confold install ./*.deb >/dev/null' "$debs/ferm"
      lab_expect "ferm's rules loaded" lab_sh 'iptables-legacy -w -C INPUT -p tcp --dport 2222 -j REJECT 2>/dev/null ||
        iptables -w -C INPUT -p tcp --dport 2222 -j REJECT'
      lab_expect "docker.service After=ferm.service" lab_unit_lists docker.service After ferm.service
      events ferm ferm.service reload ferm
      # The stock ferm.conf's FORWARD policy DROP: with iptables-legacy (ferm before 2.7) a
      # chain of its own, which drops containers' new connections whatever Docker's rules say;
      # with the alternative (forky) Docker's own FORWARD chain, whose rules come first.
      lab_sh 'sed -i "s/chain FORWARD policy ACCEPT;/chain FORWARD policy DROP;/" /etc/ferm/ferm.conf'
      lab_firewall_paced lab_exec systemctl reload ferm.service
      if lab_exec sh -c 'iptables-legacy -w -S FORWARD 2>/dev/null | grep -qx -- "-P FORWARD DROP"'; then
        lab_expect_not "FORWARD policy DROP in ferm's legacy table: web is cut off" \
          reaches_outside_from "$LAB_WEB"
      else
        lab_expect "FORWARD policy DROP in Docker's own table: web reaches outside" \
          reaches_outside_from "$LAB_WEB"
      fi
      lab_sh 'sed -i "s/chain FORWARD policy DROP;/chain FORWARD policy ACCEPT;/" /etc/ferm/ferm.conf'
      lab_firewall_paced lab_exec systemctl reload ferm.service
      lab_wait_for 20 "FORWARD policy ACCEPT again: web reaches outside" reaches_outside_from "$LAB_WEB" ;;
    *) lab_die "unknown firewall $fw (nftables, netfilter-persistent, ferm)" ;;
  esac
done

# The .deb's dpkg trigger: after-transaction ran once each firewall package's postinst had
# restarted its unit (the reinstalls; the first installs too), found Docker's rules in place
# and restarted nothing.
if [[ -n $deb ]]; then
  triggered=$(lab_journal_count MESSAGE_ID="$LAB_RESTART_MESSAGE_ID" RULES_BEFORE=present)
  lab_expect "the dpkg trigger ran after-transaction, which found the rules in place ($triggered times)" \
    test "$triggered" -ge "${#firewalls[@]}"
fi

# netfilter-persistent's reload run by hand, outside any job and so outside the guard's reach:
# the file's stale copies replace Docker's rules; check sees it, restart-docker mends it. (The
# reinstall above saved the live rules again: iptables-persistent's postinst saves them at
# every configure, its "autosave_done" having no debconf template to be kept in.)
# The full generation only: the same netfilter-persistent script on every generation.
if [[ " ${firewalls[*]} " == *" netfilter-persistent "* && $LAB_GEN == "$LAB_FULL_GENERATION" ]]; then
  republish new newer
  starts=$(lab_dockerd_starts)
  lab_firewall_paced lab_exec netfilter-persistent reload >/dev/null 2>&1
  lab_expect_not "after a reload run by hand, port 8070 does not answer" port_8070_answers
  lab_guard check
  lab_expect_not "check sees it" test "$RC" = 0
  lab_guard restart-docker
  lab_wait_for 60 "restart-docker: newer's port answers" port_8070_answers
  lab_wait_for 60 "restart-docker: web reaches outside" reaches_outside_from "$LAB_WEB"
  lab_expect_eq "restart-docker: dockerd started once" "$((starts + 1))" "$(lab_dockerd_starts)"
fi

lab_expect_eq "docker.service never failed" 0 "$(lab_docker_failures)"
restores=$(lab_journal_count MESSAGE_ID="$LAB_RESTORE_MESSAGE_ID" ACTION=restored)
lab_log "journal: $restores restores"
column -t -s $'\t' "$tsv" >&2
