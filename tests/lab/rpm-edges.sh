#!/usr/bin/env bash
# The package hooks at their edges, on LAB_GEN's real rpm and dnf, with the project's RPMs
# installed by rpm, strategy none (only the hooks can restart Docker) and a container running:
#   unrelated    dnf reinstall lab-base, five times with the dnf 4 plugin and five without:
#                no hook acts, nothing restarts; the medians go to <build>/lab/GEN/rpm-unrelated.tsv
#   dry-run      [hook] dry-run = yes, then dnf upgrade iptables-services: Docker's rules stay
#                gone, nothing restarts, dnf shows the plan ("would restart docker.service")
#   rpm -U       the fixture downgraded with rpm alone (rpm -U --oldpackage): release 19's
#                %postun restarts nothing (EL 8's way), so nothing restarts; then upgraded
#                with rpm -U (18's restarts iptables): the triggers bring Docker back, with one
#                dockerd start
#   remove       dnf remove iptables-services (its %preun stops iptables): one dockerd start
#   nftables     dnf upgrade nftables (its %postun restarts nftables.service): one start
#   installroot  dnf --installroot=DIR install iptables-services (no scriptlets: the root is
#                empty): the host's Docker untouched,
#                no hook ran
#   disabled     enabled=0 in the plugin's config: dnf does not load it
set -euo pipefail
source "$(dirname "$0")/lib.sh"

hook_runs() { lab_journal_count MESSAGE_ID=$LAB_RESTART_MESSAGE_ID; }
dnf() { lab_exec /usr/bin/python3 /usr/bin/dnf -y --refresh "$@" 2>&1; }
plugin_conf=/etc/dnf/plugins/docker-firewall-guard.conf

# restored NAME STARTS_BEFORE: the hooks brought Docker back with exactly one dockerd start.
restored() {
  lab_wait_for 60 "$1: container reaches outside" lab_reaches_outside
  lab_expect_eq "$1: dockerd started once, by the hooks" "$(($2 + 1))" "$(lab_dockerd_starts)"
  lab_expect_eq "$1: docker.service active" active "$(lab_exec systemctl is-active docker.service)"
}

lab_scenario iptables
lab_sh 'mkdir -p /etc/docker-firewall-guard.conf.d
  printf "[guard]\nstrategy = none\n" >/etc/docker-firewall-guard.conf.d/50-lab.conf'
lab_project_install 1

lab_log "unrelated: dnf reinstall lab-base"
starts=$(lab_dockerd_starts)
runs=$(hook_runs)
times=$(lab_sh 'run() { a=$(date +%s%N); /usr/bin/python3 /usr/bin/dnf -y -q reinstall lab-base "$@" >/dev/null
    echo $(( ($(date +%s%N) - a) / 1000000 )); }
  for i in 1 2 3 4 5; do echo "with $(run)"; echo "without $(run --disableplugin=docker-firewall-guard)"; done')
median() { grep "^$1 " <<<"$times" | cut -d' ' -f2 | sort -n | sed -n 3p; }
lab_log "unrelated: dnf reinstall lab-base, median of 5: $(median with) ms with the plugin, $(median without) ms without"
printf 'dnf reinstall lab-base, median of 5 (ms)\twith the plugin %s\twithout %s\n' \
  "$(median with)" "$(median without)" >"$LAB_BUILD_DIR/lab/$LAB_GEN/rpm-unrelated.tsv"
lab_expect_eq "unrelated: no hook acted" "$runs" "$(hook_runs)"
lab_expect_eq "unrelated: nothing restarted" "$starts" "$(lab_dockerd_starts)"

lab_log "dry-run: [hook] dry-run = yes, dnf upgrade iptables-services"
lab_exec sh -c 'printf "[hook]\ndry-run = yes\n" >/etc/docker-firewall-guard.conf.d/60-dry-run.conf'
out=$(dnf upgrade iptables-services)
lab_expect "dry-run: dnf shows the plan" grep -q "would restart docker.service" <<<"$out"
lab_expect "dry-run: Docker's rules stay gone" lab_docker_rules_absent
lab_expect_eq "dry-run: nothing restarted" "$starts" "$(lab_dockerd_starts)"
lab_exec rm /etc/docker-firewall-guard.conf.d/60-dry-run.conf
lab_guard restart-docker
lab_expect_eq "dry-run off, restart-docker by hand: exit" 0 "$RC"
restored "dry-run, then restart-docker by hand" "$starts"

lab_log "rpm -U: the fixture downgraded with rpm alone, then upgraded"
starts=$(lab_dockerd_starts)
lab_exec rpm -U --oldpackage "/srv/lab-repo/iptables-services-${LAB_FW_OLD[iptables]}.noarch.rpm" >&2
lab_expect_eq "rpm -U: downgraded" "${LAB_FW_OLD[iptables]}" "$(lab_rpm_version iptables-services)"
lab_expect "rpm -U downgrade: Docker's rules stay" lab_docker_rules_present
lab_expect_eq "rpm -U downgrade: nothing restarted" "$starts" "$(lab_dockerd_starts)"
lab_exec rpm -U "/srv/lab-repo/iptables-services-${LAB_FW_NEW[iptables]}.noarch.rpm" >&2
lab_expect_eq "rpm -U: upgraded" "${LAB_FW_NEW[iptables]}" "$(lab_rpm_version iptables-services)"
restored "rpm -U" "$starts"

lab_log "remove: dnf remove iptables-services"
starts=$(lab_dockerd_starts)
dnf remove iptables-services >&2
lab_expect_eq "remove: iptables.service gone" inactive "$(lab_exec systemctl is-active iptables.service || true)"
restored "remove" "$starts"

lab_log "nftables: its older package installed and started, then dnf upgrade nftables"
lab_firewall_install nftables
lab_docker_restart # Docker's rules after the firewall's, as at boot
lab_wait_for 30 "container reaches outside" lab_reaches_outside
starts=$(lab_dockerd_starts)
dnf upgrade nftables >&2
restored "nftables upgrade" "$starts"

lab_log "installroot: dnf --installroot=/srv/other-root install iptables-services"
starts=$(lab_dockerd_starts)
runs=$(hook_runs)
# No scriptlets there: the empty root has no /bin/sh (rpm 6 fails the transaction over it).
dnf --installroot=/srv/other-root --releasever=1 --setopt=reposdir=/etc/yum.repos.d \
  --setopt=tsflags=noscripts install iptables-services lab-base >&2
lab_expect "installroot: installed there" lab_exec rpm --root=/srv/other-root -q iptables-services
lab_expect_eq "installroot: no hook ran" "$runs" "$(hook_runs)"
lab_expect_eq "installroot: the host's Docker untouched" "$starts" "$(lab_dockerd_starts)"
lab_expect "installroot: the host's rules untouched" lab_docker_rules_present

lab_log "disabled: enabled=0 in $plugin_conf"
# plugins: sets PLUGINS, the plugins dnf -v says it loaded (from a run of dnf that worked).
plugins() {
  local out
  out=$(dnf -v repolist) || lab_die "dnf -v repolist failed: $out"
  PLUGINS=$(grep '^Loaded plugins:' <<<"$out" || true)
  lab_log "dnf -v: ${PLUGINS:-no plugins loaded}"
}
plugins
lab_expect "the plugin loads while enabled" grep -qw 'docker-firewall-guard' <<<"$PLUGINS"
lab_exec sed -i 's/^enabled=1$/enabled=0/' "$plugin_conf"
lab_expect_eq "disabled: the plugin's config says so" 1 "$(lab_exec grep -cx 'enabled=0' "$plugin_conf" || true)"
plugins
lab_expect_not "disabled: dnf does not load it" grep -qw 'docker-firewall-guard' <<<"$PLUGINS"
