#!/usr/bin/env bash
# After the lab: removes lab containers a killed test left behind, then stops the outer Docker
# engine if (and only if) the lab started it. The cached image stays for the next run.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
lab_remove_leftovers
lab_engine_stop_ours
