#!/usr/bin/env bash
# The outer Docker engine around the whole lab. Usage: engine.sh up|cleanup
#   up       starts it when none answers (without any firewall or bridge of its own) and
#            removes lab containers a killed run left behind
#   cleanup  removes leftover lab containers and their cgroups, stops the engine if (and only
#            if) the lab started it (failing if it leaves cgroups behind), and unmounts the
#            lab's cgroup2 mount. Images stay cached.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
case ${1:-} in
  up)
    lab_engine_ensure
    lab_remove_leftovers ;;
  cleanup)
    trap lab_cgroup2_unmount EXIT # whatever the engine's stop says
    lab_remove_leftovers
    lab_engine_stop_ours ;;
  *) echo "usage: $0 up|cleanup" >&2; exit 2 ;;
esac
