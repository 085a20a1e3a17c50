# shellcheck shell=bash
# The lab's shell library: the outer Docker engine, the host image's tag, "host" containers
# (systemd as PID 1, no network), running commands in them, keeping evidence when a test fails.
# Source it from bash scripts that run with `set -euo pipefail`; world.sh (sourced at the end)
# builds the world inside a host. Every function is prefixed `lab_`; `lab__` ones are internal.
#
# Environment (all optional):
#   LAB_GEN         the host generation (generations.sh; default bookworm)
#   LAB_BUILD_DIR   the CMake build directory (default: build at the repository's top); fixture
#                   RPMs, the project as built for each generation (build.sh) and artifacts
#                   go there
#   LAB_STATE_DIR   the outer engine's log and pidfile, the debootstrap scratch space
#   LAB_DOCKER      the docker client (default: /usr/bin/docker, the one matching Debian's dockerd)
#   LAB_ARTIFACTS   where a failing test leaves its evidence (run-test.sh sets it)
#   LAB_BOOT_TIMEOUT  seconds to wait for systemd in a host (default 120)

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=generations.sh
source "$LAB_DIR/generations.sh"
LAB_BUILD_DIR=${LAB_BUILD_DIR:-$(cd "$LAB_DIR/../.." && pwd)/build}
LAB_STATE_DIR=${LAB_STATE_DIR:-/var/lib/docker-firewall-guard-lab}
LAB_ARTIFACTS=${LAB_ARTIFACTS:-$LAB_BUILD_DIR/lab-artifacts/${LAB_TEST:-adhoc}}
LAB_BOOT_TIMEOUT=${LAB_BOOT_TIMEOUT:-120}
if [[ -z ${LAB_DOCKER:-} ]]; then
  if [[ -x /usr/bin/docker ]]; then LAB_DOCKER=/usr/bin/docker; else LAB_DOCKER=docker; fi
fi
LAB_IMAGE_REPO=docker-firewall-guard-lab/host
# Containers carry this label so that leftovers of a killed run can be found and removed.
LAB_LABEL=docker-firewall-guard-lab

lab_log() { printf '[lab %s] %s\n' "$(date +%T)" "$*" >&2 || true; }
lab_die() { lab_log "FAIL: $*"; exit 1; }

lab_docker() { "$LAB_DOCKER" "$@"; }

# ---------------------------------------------------------------------------------------------
# Outer engine. Contract: afterwards `lab_docker info` works. Never touches an engine that is
# already running; one we start runs without any firewall or bridge of its own, so the
# machine's network namespace is left exactly as it was.

lab_engine_up() { lab_docker info >/dev/null 2>&1; }

lab_engine_ensure() {
  lab_engine_up && return 0
  if ! command -v dockerd >/dev/null; then
    lab_log "installing docker.io (no dockerd on this machine)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker.io >&2
  fi
  mkdir -p "$LAB_STATE_DIR"
  lab_log "starting the outer dockerd (--iptables=false --bridge=none), log in $LAB_STATE_DIR/dockerd.log"
  # setsid + no inherited descriptors: CTest waits for its tests' output pipes to close, and an
  # interrupt of the test run must not take the engine down half-way.
  setsid -f dockerd --iptables=false --ip6tables=false --ip-forward=false --bridge=none \
    --pidfile "$LAB_STATE_DIR/dockerd.pid" \
    </dev/null >>"$LAB_STATE_DIR/dockerd.log" 2>&1
  local i
  for ((i = 0; i < 60; i++)); do
    if lab_engine_up && [[ -s $LAB_STATE_DIR/dockerd.pid ]]; then
      # Only an engine recorded here is ever stopped by lab_engine_stop_ours.
      cp "$LAB_STATE_DIR/dockerd.pid" "$LAB_STATE_DIR/dockerd.started-by-lab"
      return 0
    fi
    sleep 1
  done
  tail -n 30 "$LAB_STATE_DIR/dockerd.log" >&2 || true
  lab_die "the outer dockerd did not come up within 60 s"
}

# Removes the cgroups our engine made (docker/ in each hierarchy); they are empty once every
# lab container and its cgroups are gone, so any left is a leak worth a failure.
lab__engine_cgroups_remove() {
  local dir left=()
  for dir in /sys/fs/cgroup/*/docker "$(lab_cgroup2_root)/docker"; do
    [[ -d $dir ]] || continue
    rmdir "$dir" 2>/dev/null || left+=("$dir/"*/)
  done
  ((${#left[@]} == 0)) || lab_die "cgroups left behind: ${left[*]}"
}

# Stops the outer engine only when the lab started it (its pid recorded, still a dockerd).
lab_engine_stop_ours() {
  local marker=$LAB_STATE_DIR/dockerd.started-by-lab pid i
  [[ -f $marker ]] || return 0
  pid=$(<"$marker")
  rm -f "$marker"
  [[ $pid =~ ^[0-9]+$ && $(cat "/proc/$pid/comm" 2>/dev/null) == dockerd ]] || return 0
  lab_log "stopping the outer dockerd the lab started (pid $pid)"
  kill -TERM "$pid"
  for ((i = 0; i < 60; i++)); do
    if [[ ! -d /proc/$pid ]]; then
      lab__engine_cgroups_remove
      return 0
    fi
    sleep 1
  done
  lab_die "the outer dockerd (pid $pid) did not stop within 60 s"
}

# ---------------------------------------------------------------------------------------------
# The host image of LAB_GEN. Its tag is the generation and a hash of image.sh (every step of
# the build) and the generation's own packages: change either and the next run builds anew.

lab_image_tag() {
  printf '%s:%s-%s\n' "$LAB_IMAGE_REPO" "$LAB_GEN" "$(
    { cat "$LAB_DIR/image.sh"; echo "$LAB_GEN ${LAB_GEN_PACKAGES[$LAB_GEN]}"; } |
      sha256sum | cut -c1-16)"
}

# lab_image_require: prints the tag of LAB_GEN's image, which must have been built.
lab_image_require() {
  local image
  lab_engine_up || lab_die "no Docker engine answers: run tests/lab/engine.sh up (the lab.engine test) first"
  image=$(lab_image_tag)
  lab_docker image inspect "$image" >/dev/null 2>&1 ||
    lab_die "image $image is missing: run tests/lab/image.sh (the lab.$LAB_GEN.image test) first"
  echo "$image"
}

# Where the project is built for LAB_GEN (build.sh), and the generator it installs in hosts.
lab_gen_build_dir() { echo "$LAB_BUILD_DIR/lab/$LAB_GEN/build"; }

# ---------------------------------------------------------------------------------------------
# cgroup v2 for generations that need it (systemd >= 258). This machine mounts cgroup v1; a
# cgroup2 mount of our own (no controllers: it changes nothing for the rest of the machine) is
# given whole to such a host, with --cgroupns=host, since a host in a private cgroup
# namespace boots but its journald fails. The outer engine puts each host in docker/<id>
# there (see lab__host_remove).

lab_cgroup2_root() { echo "$LAB_STATE_DIR/cgroup2"; }

lab__cgroup2_mount() {
  local dir
  dir=$(lab_cgroup2_root)
  mountpoint -q "$dir" && return 0
  mkdir -p "$dir"
  mount -t cgroup2 none "$dir"
}

# lab__host_remove NAME|ID: removes a host container and the cgroups it leaves behind. The
# engine's docker/<id> outlives a host in whose cgroups systemd made its own; and a v1 host
# sees this machine's hierarchies whole, so its inner dockerd puts its containers in
# docker/<inner id> here, which nothing removes once the host is gone.
lab__host_remove() {
  local host=$1 ids id dir
  ids=$(lab_docker inspect -f '{{.Id}}' "$host" 2>/dev/null) || return 0
  # A build container runs no inner dockerd: no ids from it, and no reason to stop here.
  ids+=" $(timeout 10 "$LAB_DOCKER" exec "$host" docker ps -aq --no-trunc 2>/dev/null || true)"
  lab_docker rm -f "$host" >/dev/null 2>&1
  for id in $ids; do
    [[ $id =~ ^[0-9a-f]{64}$ ]] || continue
    for dir in /sys/fs/cgroup/*/docker/"$id" "$(lab_cgroup2_root)/docker/$id"; do
      [[ -d $dir ]] || continue
      # Empty cgroups go with rmdir (their control files do not count), children first.
      find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null || true
      [[ ! -d $dir ]] || lab_log "warning: could not remove cgroup $dir"
    done
  done
}

# Unmounts our cgroup2 mount (after every host is gone); the hierarchy itself stays the kernel's.
lab_cgroup2_unmount() {
  local dir
  dir=$(lab_cgroup2_root)
  mountpoint -q "$dir" || return 0
  rmdir "$dir/docker" 2>/dev/null || true
  umount "$dir" && rmdir "$dir"
}

# Removes every lab container this build directory left behind (a test killed by CTest's
# timeout gets no chance to run its EXIT trap).
lab_remove_leftovers() {
  lab_engine_up || return 0
  local ids id
  ids=$(lab_docker ps -aq --no-trunc --filter "label=$LAB_LABEL.build=$LAB_BUILD_DIR")
  [[ -z $ids ]] && return 0
  lab_log "removing leftover lab containers: ${ids//$'\n'/ }"
  for id in $ids; do lab__host_remove "$id"; done
}

# ---------------------------------------------------------------------------------------------
# Host containers. lab_host_boot sets LAB_HOST (the container's name); the EXIT trap installed
# by lab_init always removes it, and keeps its journal first when the script fails.

LAB_HOSTS=()
LAB_HOST=

# lab_init: call once, first thing in a test script (lab_scenario does).
lab_init() {
  mkdir -p "$LAB_ARTIFACTS"
  trap 'lab__on_exit $?' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # A reader of our output that is gone (an interrupted tee) must not kill us before cleanup.
  trap '' PIPE
}

lab__on_exit() {
  local rc=$1 host
  # Nothing may stop the cleanup now, not even a second interrupt.
  trap - EXIT
  trap '' INT TERM
  set +e
  if ((rc != 0)) && [[ -n $LAB_HOST ]]; then lab_save_evidence; fi
  for host in "${LAB_HOSTS[@]}"; do lab__host_remove "$host"; done
  exit "$rc"
}

# lab_host_boot [NAME]: starts a host of LAB_GEN from its cached image and waits until
# systemd is up.
# shellcheck disable=SC2120 # NAME is optional
lab_host_boot() {
  local name=${1:-dfg-lab-${LAB_TEST:-$LAB_GEN-adhoc}-$$} image cgroup
  image=$(lab_image_require)
  # The flags are LAB.md's verified recipe: --privileged fails here (no CAP_SYS_RESOURCE on
  # this machine), and --network none keeps the machine's own namespace out of reach.
  # /proc/sys is read-only in the container, so the inner dockerd cannot enable forwarding and
  # would refuse to start: it is set here, in the container's own network namespace only.
  # Docker 26 and later also write their containers' IPv6 sysctls: systempaths=unconfined.
  case ${LAB_GEN_CGROUP[$LAB_GEN]} in
    v1) cgroup=(-v /sys/fs/cgroup:/sys/fs/cgroup) ;;
    v2)
      lab__cgroup2_mount
      cgroup=(--cgroupns=host -v "$(lab_cgroup2_root):/sys/fs/cgroup") ;;
  esac
  LAB_HOST=$name
  LAB_HOSTS+=("$name")
  lab_docker run -d --name "$name" --hostname lab-host \
    --label "$LAB_LABEL=1" --label "$LAB_LABEL.build=$LAB_BUILD_DIR" \
    --network none --sysctl net.ipv4.ip_forward=1 --cap-add ALL --cap-drop SYS_RESOURCE \
    --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
    --security-opt systempaths=unconfined \
    --tmpfs /run --tmpfs /run/lock "${cgroup[@]}" \
    "$image" /lib/systemd/systemd >/dev/null
  if [[ ${LAB_GEN_CGROUP[$LAB_GEN]} == v2 ]]; then lab__host_cgroup_keeper; fi
  lab_host_wait_running
}

# A cgroup v2 host shares this machine's v2 hierarchy, where hugetlb (bound to no v1 mount
# here) is free. Each `docker exec` puts its process in the host's own cgroup, docker/<id>,
# while systemd in the host lives below it; runc in the host, starting a container, enables
# every free controller in each ancestor of the container's cgroup, docker/<id> included, and
# succeeds when docker/<id> holds no process at that moment (a dockerd restart while no exec
# runs, such as one the guard queues): from then on no process can join docker/<id> (cgroup
# v2 keeps processes out of a cgroup that gives controllers to its children), and every
# `docker exec` into the host fails ("cgroup.procs: device or resource busy"). A process kept
# in docker/<id> for the host's life makes that enabling fail, as it does while an exec runs.
lab__host_cgroup_keeper() {
  lab_docker exec -d "$LAB_HOST" sleep infinity
}

# Waits until `systemctl is-system-running` says running or degraded (degraded is accepted:
# a unit that cannot work in a container must not stop the lab; it is shown in the log).
lab_host_wait_running() {
  local state start=$SECONDS
  while ((SECONDS - start < LAB_BOOT_TIMEOUT)); do
    state=$(lab_exec systemctl is-system-running 2>/dev/null) || true
    case $state in
      running) lab_log "host $LAB_HOST: systemd running after $((SECONDS - start)) s"; return 0 ;;
      degraded)
        lab_log "host $LAB_HOST: systemd degraded after $((SECONDS - start)) s; failed units:"
        lab_exec systemctl --no-pager --failed >&2 || true
        return 0 ;;
    esac
    sleep 0.2
  done
  lab_die "host $LAB_HOST: systemd not running after $LAB_BOOT_TIMEOUT s (state: ${state:-none})"
}

# lab_exec CMD...: runs a command (an argument vector) in the host.
lab_exec() { lab_docker exec "$LAB_HOST" "$@"; }

# lab_sh SCRIPT [ARGS...]: runs a bash script in the host (strict mode); stdin is passed on.
lab_sh() {
  local script=$1
  shift
  lab_docker exec -i "$LAB_HOST" bash -euo pipefail -c "$script" lab-sh "$@"
}

# lab_copy_in SRC DEST: copies a file or directory from this machine into the host.
lab_copy_in() {
  lab_exec mkdir -p "$(dirname "$2")"
  lab_docker cp "$1" "$LAB_HOST:$2"
}

# lab__install_program WHAT BINARY DEST: copies a program built for LAB_GEN into the host
# (mode 0755) and checks, from a listing that worked, that the host has every library it needs.
lab__install_program() {
  local what=$1 bin=$2 dest=$3 libs
  [[ -x $bin ]] || lab_die "$what not built for $LAB_GEN: $bin (bash tests/lab/build.sh, the lab.$LAB_GEN.build test)"
  lab_copy_in "$bin" "$dest"
  lab_exec chmod 0755 "$dest"
  libs=$(lab_exec ldd "$dest") || lab_die "ldd $dest failed: $libs"
  lab_expect_eq "the $what's libraries are all in the host" "" "$(grep 'not found' <<<"$libs" || true)"
}

# lab_install_generator: puts the project's generator, as built for LAB_GEN, where systemd
# looks for generators and reruns them.
lab_install_generator() {
  lab__install_program generator "$(lab_gen_build_dir)/generator/docker-firewall-guard-generator" \
    /usr/lib/systemd/system-generators/docker-firewall-guard-generator
  lab_exec systemctl daemon-reload
}

# lab_install_cli: puts the project's command, as built for LAB_GEN, in /usr/sbin of the host.
lab_install_cli() {
  lab__install_program command "$(lab_gen_build_dir)/cli/docker-firewall-guard" /usr/sbin/docker-firewall-guard
}

# Keeps what explains a failure: the host's journal and the state of its firewall and Docker.
lab_save_evidence() {
  local dir=$LAB_ARTIFACTS/$LAB_HOST
  mkdir -p "$dir"
  lab_log "saving evidence of $LAB_HOST in $dir"
  lab_exec journalctl -b --no-pager -o short-precise >"$dir/journal.txt" 2>&1
  lab_exec systemctl --no-pager --all list-units >"$dir/units.txt" 2>&1
  lab_exec iptables-save >"$dir/iptables-save.txt" 2>&1
  lab_exec nft list ruleset >"$dir/nft-ruleset.txt" 2>&1
  lab_exec docker ps -a >"$dir/docker-ps.txt" 2>&1
  lab_exec rpm -qa >"$dir/rpm-qa.txt" 2>&1
}

# ---------------------------------------------------------------------------------------------
# Expectations and waiting. Each prints one line, so a test's output reads as its story.

# lab_expect DESCRIPTION CMD...: CMD must succeed.
lab_expect() {
  local what=$1
  shift
  if "$@"; then lab_log "ok: $what"; else lab_die "$what"; fi
}

# lab_expect_not DESCRIPTION CMD...: CMD must fail.
lab_expect_not() {
  local what=$1
  shift
  if "$@"; then lab_die "$what"; else lab_log "ok: $what"; fi
}

# lab_expect_eq DESCRIPTION EXPECTED ACTUAL
lab_expect_eq() {
  if [[ $2 == "$3" ]]; then lab_log "ok: $1 ($3)"; else lab_die "$1: expected '$2', got '$3'"; fi
}

# lab_wait_for SECONDS DESCRIPTION CMD...: polls CMD four times a second until it succeeds;
# fails after SECONDS of wall time (a probe may itself take seconds).
lab_wait_for() {
  local timeout=$1 what=$2 start=$SECONDS
  shift 2
  until "$@"; do
    ((SECONDS - start < timeout)) || lab_die "$what: not within $timeout s"
    sleep 0.25
  done
  lab_log "ok: $what (after $((SECONDS - start)) s)"
}

# shellcheck source=world.sh
source "$LAB_DIR/world.sh"
