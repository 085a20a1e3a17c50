#!/usr/bin/env bash
# shellcheck disable=SC2016 # scripts in single quotes run in the host
# The generator's fault matrix on the real systemd of LAB_GEN (iptables enabled, Docker
# running, strategy requires by default). Each fault is set up for real, then:
#   - the installed generator, run by hand as systemd runs it (into scratch directories,
#     logging to stderr), exits 0 within 10 s and names the file (and line or key) at fault;
#   - `systemctl daemon-reload` returns 0 within 60 s, systemd loaded our drop-in with the
#     defaults (Requires=iptables.service), docker.service is still active, and no file
#     outside the test's own was written under /etc, /usr, /opt, /srv, /root or /var/lib.
# Faults: the config a FIFO, a directory, empty, binary garbage, a 200 KB line, over 1 MiB; a
# drop-in directory that is a file; daemon.json malformed. Then the output: on a full and on
# a read-only file system the generator exits 1, names the path and leaves no file behind.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

conf=/etc/docker-firewall-guard.conf
generator=/usr/lib/systemd/system-generators/docker-firewall-guard-generator
dropin=/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf

# by_hand [DIR]: the generator into DIR/{normal,early,late} (default: a scratch tmpfs dir);
# sets RC and OUT (its stderr).
by_hand() {
  RC=0
  OUT=$(lab_sh 'dir=${2:-/run/dfg-faults}
    mkdir -p "$dir/normal" "$dir/early" "$dir/late"
    SYSTEMD_LOG_TARGET=console timeout 10 "$1" "$dir/normal" "$dir/early" "$dir/late" 2>&1 >/dev/null' \
    "$generator" "${1:-}") || RC=$?
  lab_log "generator by hand: exit $RC: ${OUT:0:400}"
}

# Files changed since the mark, but for the paths given (what the case itself wrote).
written_since_mark() {
  lab_sh 'find /etc /usr /opt /srv /root /var/lib -xdev -newer /run/dfg-faults.mark \
      \( -type f -o -type l \) 2>/dev/null | grep -vxF -f <(printf "%s\n" /run/none "$@") || true' "$@"
}

# fault NAME EXPECTED SETUP [WRITTEN...]: sets the fault up with SETUP (a script for the host,
# the config's path as $1),
# checks as above that the generator's message holds EXPECTED (a fixed string; "" for
# silence about the config) and that nothing but WRITTEN changed, then removes the config.
fault() {
  local name=$1 expected=$2 setup=$3 written
  shift 3
  lab_log "-- $name"
  lab_exec touch /run/dfg-faults.mark
  lab_sh "$setup" "$conf"
  by_hand
  lab_expect_eq "$name: generator exit" 0 "$RC"
  if [[ -n $expected ]]; then
    lab_expect "$name: says '$expected'" grep -qF "$expected" <<<"$OUT"
  else
    lab_expect_not "$name: says nothing of the config" grep -q "docker-firewall-guard.conf" <<<"$OUT"
  fi
  lab_expect "$name: daemon-reload within 60 s" lab_exec timeout 60 systemctl daemon-reload
  lab_expect "$name: drop-in with the defaults" lab_exec grep -qx "Requires=iptables.service" "$dropin"
  lab_expect "$name: systemd loaded it" lab_unit_lists docker.service Requires iptables.service
  lab_expect_eq "$name: docker.service active" active "$(lab_exec systemctl is-active docker.service)"
  written=$(written_since_mark "$@")
  lab_expect_eq "$name: nothing written outside its place" "" "$written"
  lab_exec rm -rf "$conf" "$conf.d" /run/dfg-faults
}

lab_scenario iptables
lab_install_generator

fault "config a FIFO" "$conf: not a regular file; ignored" 'mkfifo "$1"' "$conf"
fault "config a directory" "$conf: not a regular file; ignored" 'mkdir "$1"'
fault "config empty" "" ': >"$1"' "$conf"
fault "config binary garbage" "$conf: " 'head -c 4096 /dev/urandom >"$1"' "$conf"
fault "config a 200 KB line" "$conf: line 2: longer than" \
  'printf "[guard]\nstrategy = %0200000d\n" 0 >"$1"' "$conf"
fault "config over 1 MiB" "$conf: cannot read: larger than 1 MiB; ignored" \
  'head -c 1100000 /dev/zero | tr "\0" "#" >"$1"' "$conf"
fault "a drop-in directory that is a file" "$conf.d: not a directory; ignored" \
  'printf "[guard]\nstrategy = none\n" >"$1.d"' "$conf.d"
lab_exec cp -a /etc/docker/daemon.json /run/daemon.json.saved 2>/dev/null || true
fault "daemon.json malformed" "/etc/docker/daemon.json: not a JSON object; assuming Docker's defaults" \
  'mkdir -p /etc/docker && printf "{\"iptables\": fal" >/etc/docker/daemon.json' /etc/docker/daemon.json
lab_sh 'if [ -e /run/daemon.json.saved ]; then mv /run/daemon.json.saved /etc/docker/daemon.json
  else rm -f /etc/docker/daemon.json; fi'

# The output: a full file system, then a read-only one, mounted in the host for the test.
lab_log "-- output on a full file system"
lab_sh 'mkdir -p /run/dfg-full && mount -t tmpfs -o size=16k tmpfs /run/dfg-full
  mkdir -p /run/dfg-full/normal /run/dfg-full/early /run/dfg-full/late
  head -c 1M /dev/zero >/run/dfg-full/fill 2>/dev/null || true'
by_hand /run/dfg-full
lab_expect_eq "output full: generator exit" 1 "$RC"
lab_expect "output full: names the path and the reason" grep -qF \
  "cannot write drop-in: /run/dfg-full/normal/docker.service.d/50-docker-firewall-guard.conf: No space left on device" <<<"$OUT"
lab_expect_eq "output full: no file left behind" "/run/dfg-full/fill" \
  "$(lab_exec find /run/dfg-full -type f)"
lab_exec umount /run/dfg-full

lab_log "-- output on a read-only file system"
lab_sh 'mount -t tmpfs tmpfs /run/dfg-full && mkdir -p /run/dfg-full/normal /run/dfg-full/early \
  /run/dfg-full/late && mount -o remount,ro /run/dfg-full'
by_hand /run/dfg-full
lab_expect_eq "output read-only: generator exit" 1 "$RC"
lab_expect "output read-only: names the path and the reason" grep -qF \
  "/run/dfg-full/normal/docker.service.d: Read-only file system" <<<"$OUT"
lab_exec umount /run/dfg-full
lab_exec rmdir /run/dfg-full
lab_expect_eq "system still running" running "$(lab_exec systemctl is-system-running)"
