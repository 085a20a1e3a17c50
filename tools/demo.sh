#!/usr/bin/env bash
# The main job end to end, in a few minutes: builds the RPMs, boots a lab host (systemd as
# PID 1, dockerd, iptables and dnf, in a container with no network), shows the seed's failure
# without the package, installs the RPMs with rpm, keeps a container online through
# `systemctl restart iptables` and `dnf upgrade iptables-services`, and ends with a table.
# Never touches this machine's own firewall. LAB_GEN=bookworm|trixie|forky picks the host
# (systemd 252/257/262, Docker 20.10/26.1/28.5); the details go to build/demo.log.
set -euo pipefail
cd "$(dirname "$0")/.."
export LAB_BUILD_DIR=$PWD/${BUILD_DIR:-build} LAB_GEN=${LAB_GEN:-bookworm}
log=$LAB_BUILD_DIR/demo.log
mkdir -p "$LAB_BUILD_DIR"
: >"$log"

# quietly WHAT CMD...: runs CMD with its output in the log; on failure shows the log's end.
quietly() {
  local what=$1 start=$SECONDS
  shift
  printf '%s ... ' "$what"
  if "$@" >>"$log" 2>&1; then
    echo "done ($((SECONDS - start)) s)"
  else
    echo "FAILED; the end of $log:"
    tail -n 40 "$log"
    exit 1
  fi
}

echo "== Building (output in $log)"
quietly "installing the build tools (apt-get)" tools/install-deps.sh
quietly "the source RPM and this machine's RPMs, with their tests and rpmlint" \
  bash tests/lab/project-rpms.sh srpm
trap 'bash tests/lab/engine.sh cleanup >>"$log" 2>&1' EXIT
quietly "a Docker engine for the lab (--iptables=false --bridge=none)" bash tests/lab/engine.sh up
quietly "the $LAB_GEN host image (cached after the first run)" bash tests/lab/image.sh
quietly "the firewall stand-in's RPMs (iptables-services 1.4.21-18 and -19)" \
  bash tests/lab/build-rpms.sh
quietly "the project's RPMs, rebuilt from the source RPM for $LAB_GEN" \
  bash tests/lab/project-rpms.sh "$LAB_GEN"

echo
echo "== In a $LAB_GEN host"
# The story (standard error) without the lab's clock and Debian rpm's warning about itself;
# the lab's step details (standard output) go to the log.
bash tests/lab/demo.sh 2>&1 >>"$log" |
  sed -E -e 's/^\[lab [0-9:]+\] //' -e '/^rpm: (RPM should not be used|However assuming)/d'
exit "${PIPESTATUS[0]}"
