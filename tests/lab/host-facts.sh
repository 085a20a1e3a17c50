#!/usr/bin/env bash
# A host of LAB_GEN really is that generation (generations.sh, LAB_GEN_FACTS): systemd,
# Docker, iptables, rpm, dnf and dnf 5 at the expected versions, the cgroup hierarchy it is
# meant to boot on, and a journal that records docker.service's starts (the scenarios count
# them there). A wrong or stale image fails here instead of passing a scenario by chance.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

# version OUTPUT: the first version number in a program's output ("v1.8.9" counts as 1.8.9;
# the 5 of "dnf5" does not count).
version() {
  sed -E 's/(^|[^[:alnum:]])v([0-9])/\1\2/g' <<<"$1" |
    grep -oE '(^|[^[:alnum:].])[0-9]+(\.[0-9]+)*' | head -n 1 | grep -oE '[0-9.]+' || true
}

# expect_version NAME EXPECTED OUTPUT: the version in OUTPUT is EXPECTED or begins with it
# followed by a dot or a hyphen.
expect_version() {
  local actual
  actual=$(version "$3")
  case $actual in
    "$2" | "$2".* | "$2"-*) lab_log "ok: $1 $actual" ;;
    *) lab_die "$1: expected $2, got '${actual:-nothing}' from: $3" ;;
  esac
}

lab_init
lab_host_boot
lab_docker_restart

declare -A facts
for fact in ${LAB_GEN_FACTS[$LAB_GEN]}; do facts[${fact%%=*}]=${fact#*=}; done

expect_version systemd "${facts[systemd]}" "$(lab_exec systemctl --version | head -n 1)"
expect_version "dockerd" "${facts[docker]}" "$(lab_exec docker version -f '{{.Server.Version}}')"
expect_version iptables "${facts[iptables]}" "$(lab_exec iptables --version)"
lab_expect "iptables uses the nf_tables backend" grep -q nf_tables <<<"$(lab_exec iptables --version)"
expect_version rpm "${facts[rpm]}" "$(lab_exec rpm --version)"
expect_version dnf "${facts[dnf]}" "$(lab_exec /usr/bin/python3 /usr/bin/dnf --version | head -n 1)"
if [[ ${facts[dnf5]} == none ]]; then
  lab_expect_eq "no dnf5 in $LAB_GEN" none "$(lab_sh 'command -v dnf5 || echo none')"
else
  expect_version dnf5 "${facts[dnf5]}" "$(lab_exec dnf5 --version | head -n 1)"
  actions=$(lab_exec find /usr/lib -path "*/libdnf5/plugins/actions.so")
  lab_expect "libdnf5's actions plugin is installed ($actions)" test -n "$actions"
fi

case ${LAB_GEN_CGROUP[$LAB_GEN]} in
  v1) fs=tmpfs ;;
  v2) fs=cgroup2fs ;;
esac
lab_expect_eq "/sys/fs/cgroup is cgroup ${LAB_GEN_CGROUP[$LAB_GEN]}" "$fs" \
  "$(lab_exec stat -fc %T /sys/fs/cgroup)"
lab_expect_eq "systemd-journald active" active "$(lab_exec systemctl is-active systemd-journald)"
starts=$(lab_dockerd_starts)
lab_expect "the journal recorded docker.service's starts ($starts)" test "$starts" -ge 1
