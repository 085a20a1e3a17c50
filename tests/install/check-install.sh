#!/usr/bin/env bash
# `cmake --install` with DESTDIR lays down exactly the expected files, nothing else.
# Usage: check-install.sh BUILD_DIR WORK_DIR EXPECTED_PATH...
set -euo pipefail
build=$1 work=$2
shift 2
rm -rf "$work"
DESTDIR=$work cmake --install "$build" >/dev/null
diff -u <(printf '%s\n' "$@" | sort) <(cd "$work" && find . -type f -printf '/%P\n' | sort)
for path in "$@"; do
  case $path in
    */system-generators/* | */sbin/*) [[ -x $work$path ]] || { echo "not executable: $path" >&2; exit 1; } ;;
  esac
done
echo "ok: installed $*"
