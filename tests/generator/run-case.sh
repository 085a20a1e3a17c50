#!/usr/bin/env bash
# Runs one generator golden case and compares its results whole.
#
# Usage: run-case.sh GENERATOR CASE_DIR WORK_DIR [COMMAND_PATH]
#
# Expected files name the command as packages install it, /usr/sbin/docker-firewall-guard;
# COMMAND_PATH, where this build's generator says it is (its install prefix), is compared as
# that name, so the cases pass under any prefix.
#
# A case directory holds:
#   root/          laid over ../base-root to form the host the generator sees
#   expected/      the expected normal output directory (absent: nothing is written)
#   expected.log   the expected log, "[PID]" for the process id
#   exit-status    the expected exit status (absent: 0)
#   read-only-output   marker: the normal output directory is mounted read-only
#   log-level      SYSTEMD_LOG_LEVEL for the run (absent: debug)
# Early and late directories must stay empty. Every drop-in written must pass
# `systemd-analyze verify` (silent, exit 0) against the case's own unit files.
# With DFG_BLESS=1 the results are copied into the case instead: review them with git diff.
set -euo pipefail

generator=$1 case_dir=$2 work=$3 command=${4:-/usr/sbin/docker-firewall-guard}
packaged_command=/usr/sbin/docker-firewall-guard
base=$(dirname "$0")/base-root
name=$(basename "$case_dir")

rm -rf "$work"
mkdir -p "$work"/{root,normal,early,late}
cp -a "$base"/. "$work/root/"
[[ -d $case_dir/root ]] && cp -a "$case_dir/root/." "$work/root/"

run=(env SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL="$(cat "$case_dir/log-level" 2>/dev/null || echo debug)"
     DOCKER_FIREWALL_GUARD_ROOT="$work/root" "$generator" "$work/normal" "$work/early" "$work/late")
if [[ -e $case_dir/read-only-output ]]; then
  # A read-only bind mount in a private mount namespace: EROFS even for root.
  run=(unshare --mount sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
       sh "$work/normal" "${run[@]}")
fi
status=0
"${run[@]}" 2>"$work/log" || status=$?

sed -E -e 's/\[[0-9]+\]:/[PID]:/' -e "s|$work|@WORK@|g" "$work/log" >"$work/log.normalized"
if [[ ${DFG_BLESS:-} == 1 ]]; then
  [[ $command == "$packaged_command" ]] || { echo "bless from a build with prefix /usr" >&2; exit 1; }
  rm -rf "$case_dir/expected"
  [[ -n $(ls -A "$work/normal") ]] && cp -a "$work/normal" "$case_dir/expected"
  cp "$work/log.normalized" "$case_dir/expected.log"
  [[ $status == 0 ]] || echo "$status" >"$case_dir/exit-status"
fi

failed=0
fail() { echo "FAIL $name: $*" >&2; failed=1; }

expected_status=$(cat "$case_dir/exit-status" 2>/dev/null || echo 0)
[[ $status == "$expected_status" ]] || fail "exit status $status, expected $expected_status"

if [[ -f $case_dir/expected.log ]]; then
  diff -u "$case_dir/expected.log" "$work/log.normalized" >&2 || fail "log differs"
fi

expected=$case_dir/expected
[[ -d $expected ]] || expected=$work/empty
mkdir -p "$work/empty"
compared=$work/normal
if [[ $command != "$packaged_command" ]]; then
  compared=$work/normal.as-packaged
  cp -a "$work/normal" "$compared"
  find "$compared" -type f -exec sed -i "s|$command|$packaged_command|g" {} +
fi
diff -r --no-dereference "$expected" "$compared" >&2 || fail "output tree differs"
for dir in early late; do
  [[ -z $(ls -A "$work/$dir") ]] || fail "wrote into the $dir directory"
done
leftovers=$(find "$work/normal" -name '.*' -type f)
[[ -z $leftovers ]] || fail "left temporary files: $leftovers"

# Verify against the case's units: standard targets and slices from the host, the output
# where systemd would read it, and stubs for the programs all these units run. Each unit
# with a drop-in written, and each unit written, is verified.
dropin_dirs=$(cd "$work/normal" && find . -mindepth 1 -maxdepth 1 \( -type d -name '*.d' -o -type f \))
if [[ -n $dropin_dirs ]]; then
  verify=$work/verify
  cp -a "$work/root" "$verify"
  mkdir -p "$verify/usr/lib/systemd/system" "$verify/etc/systemd/system"
  for unit in /lib/systemd/system/*.target /lib/systemd/system/*.slice; do
    [[ -e $verify/usr/lib/systemd/system/${unit##*/} ]] || cp -P "$unit" "$verify/usr/lib/systemd/system/"
  done
  cp -a "$work/normal/." "$verify/etc/systemd/system/"
  grep -rhoE '^Exec[A-Za-z]*=[-@:+!]*/[^ ]+' "$verify/usr/lib/systemd/system" "$verify/etc/systemd/system" |
    sed -E 's/^[^=]*=[-@:+!]*//' | sort -u | while read -r program; do
      [[ -e $verify$program ]] && continue
      mkdir -p "$verify$(dirname "$program")"
      printf '#!/bin/sh\n' >"$verify$program"
      chmod +x "$verify$program"
    done
  for dir in $dropin_dirs; do
    unit=${dir#./}
    unit=${unit%.d}
    verified=0
    out=$(systemd-analyze verify --man=no --generators=no --root="$verify" "$unit" 2>&1) || verified=$?
    [[ $verified == 0 && -z $out ]] || fail "systemd-analyze verify $unit (exit $verified): $out"
  done
fi

if ((failed)); then
  echo "--- log of $name:" >&2
  cat "$work/log" >&2
  exit 1
fi
echo "ok $name"
