# shellcheck shell=bash
# The lab's host generations (sourced by lib.sh; CMake reads LAB_GENERATIONS from here too).
# Each is a Debian release that carries one generation of the programs the project meets on
# EL and Fedora hosts; every lab scenario runs on each. LAB_GEN names the one a script acts on.
#
#   generation  systemd  Docker   iptables  dnf           rpm   close to
#   bookworm    252      20.10    1.8.9     4.14          4.18  EL 9
#   trixie      257      26.1     1.8.11    4.23          4.20  EL 10
#   forky       262      28.5     1.8.13    4.24 + dnf5   6.1   Fedora 43
# shellcheck disable=SC2034 # read by image.sh, lib.sh and host-facts.sh

LAB_GENERATIONS=(bookworm trixie forky)
# The generation that runs every scenario; the others run the core set (tests/lab/scenarios.txt
# says which), so that the whole suite stays within 45 minutes cold on 2 cores. forky: it
# alone has dnf 5, and the newest systemd and Docker.
LAB_FULL_GENERATION=forky

# Packages beyond image.sh's common list. From trixie on the docker client is its own package;
# forky's libdnf5 carries the actions plugin that dnf5 runs.
# The generations whose lab build container also builds the project's .deb (build.sh deb), which
# their hosts then install with apt-get (debian-firewalls.sh): Debian 13, the other release the
# README's Debian instructions name. Debian 12 is this machine's own release, where the deb
# test builds it; forky is not a release yet.
LAB_DEB_GENERATIONS=(trixie)

declare -A LAB_GEN_PACKAGES=(
  [bookworm]=""
  [trixie]="docker-cli"
  [forky]="docker-cli dnf5"
)

# The cgroup hierarchy a host boots on. systemd 258 and later refuse cgroup v1, which this
# machine mounts; v2 hosts get a cgroup2 hierarchy of their own (lab_cgroup2_root).
declare -A LAB_GEN_CGROUP=([bookworm]=v1 [trixie]=v1 [forky]=v2)

# What a host of each generation must really run, checked by host-facts.sh so that a wrong
# image cannot pass silently: each the leading components of the version the program prints.
declare -A LAB_GEN_FACTS=(
  [bookworm]="systemd=252 docker=20.10 iptables=1.8.9 rpm=4.18 dnf=4.14 dnf5=none"
  [trixie]="systemd=257 docker=26.1 iptables=1.8.11 rpm=4.20 dnf=4.23 dnf5=none"
  [forky]="systemd=262 docker=28.5 iptables=1.8.13 rpm=6.1 dnf=4.24 dnf5=5.4.6"
)

LAB_GEN=${LAB_GEN:-bookworm}
[[ -n ${LAB_GEN_CGROUP[$LAB_GEN]:-} ]] ||
  { echo "lab: unknown generation LAB_GEN=$LAB_GEN (one of: ${LAB_GENERATIONS[*]})" >&2; exit 2; }
