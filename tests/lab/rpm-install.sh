#!/usr/bin/env bash
# The project's RPMs (project-rpms.sh, built for LAB_GEN) installed with rpm in a running host:
# rpm -V clean; the generator's drop-in in effect at once (no reboot) and Docker untouched; an
# edited config kept through a package upgrade; rpm -e removes every file and the drop-in,
# keeps the edited config as .rpmsave, and Docker keeps running with its containers.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

dropin=/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf
conf=/etc/docker-firewall-guard.conf
has_word() { lab_unit_lists docker.service "$1" "$2"; }

lab_scenario iptables
starts=$(lab_dockerd_starts)

lab_project_install 1
mapfile -t packages < <(lab_project_packages)
lab_log "installed: ${packages[*]}"
lab_expect "rpm -V is clean" lab_exec rpm -V "${packages[@]}"
lab_expect "systemd loaded $dropin without a reboot" has_word DropInPaths "$dropin"
lab_expect "docker.service Requires=iptables.service" has_word Requires iptables.service
lab_expect_eq "dockerd not restarted by the install" "$starts" "$(lab_dockerd_starts)"
lab_guard status
lab_expect_eq "docker-firewall-guard status: protected (exit)" 0 "$RC"
# The runtime directory's one owner, the package's tmpfiles.d entry, made it in %post.
lab_expect_eq "/run/docker-firewall-guard made by tmpfiles.d: mode and owner" "700 root" \
  "$(lab_exec stat -c '%a %U' /run/docker-firewall-guard)"
mapfile -t files < <(lab_exec rpm -ql "${packages[@]}" | sort)

# The administrator's edit, then an upgrade (the packaged config is unchanged in it).
lab_sh 'printf "\n# edited by the administrator\n[hook]\ntimeout = 77\n" >>"$1"' "$conf"
edited=$(lab_exec sha256sum "$conf")
lab_project_install 2
lab_expect_eq "upgraded" "0.1.0-1.lab2" "$(lab_rpm_version docker-firewall-guard)"
lab_expect_eq "the edited config kept" "$edited" "$(lab_exec sha256sum "$conf")"
lab_guard config
lab_expect "the config in effect has the edit" grep -qx "timeout = 77 *; $conf" <<<"$OUT"
lab_expect_eq "rpm -V: only the edited config differs" "S.5....T.  c $conf" \
  "$(lab_exec rpm -V "${packages[@]}" | sed 's/  */  /')"
lab_expect_eq "dockerd not restarted by the upgrade" "$starts" "$(lab_dockerd_starts)"

lab_exec rpm -e "${packages[@]}"
packages_left=$(lab_project_packages)
lab_expect_eq "no package left" "" "$packages_left"
remaining=$(lab_sh 'for f; do if [[ -e $f && ! -d $f ]]; then echo "$f"; fi; done' "${files[@]}")
lab_expect_eq "every packaged file removed" "" "$remaining"
lab_expect "the edited config kept as .rpmsave" lab_exec grep -q "timeout = 77" "$conf.rpmsave"
lab_expect_eq "the drop-in removed" absent "$(lab_path_state "$dropin")"
lab_expect_not "systemd dropped it" has_word DropInPaths "$dropin"
lab_expect_eq "docker.service active" active "$(lab_exec systemctl is-active docker.service)"
lab_expect_eq "dockerd not restarted by the removal" "$starts" "$(lab_dockerd_starts)"
lab_expect "container reaches outside" lab_reaches_outside
