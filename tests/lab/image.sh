#!/usr/bin/env bash
# Prepares the lab's host image and prints its tag: Debian 12 (minbase) with systemd, dbus,
# dockerd, iptables, nftables, rpm and dnf, imported into the outer Docker engine (started here
# when none runs). The tag is a hash of this file (see lab_image_tag), so an unchanged script
# reuses the cached image and any change here builds a new one.
# Network: only the Debian mirror from this machine's apt sources (or LAB_MIRROR).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

suite=bookworm
packages=(
  systemd systemd-sysv dbus         # systemd as PID 1 of the host container
  iptables nftables                 # the firewalls under test (iptables-nft backend)
  docker.io                         # the inner Docker engine
  busybox-static                    # the container image, HTTP servers, nc
  rpm dnf python3-dnf createrepo-c  # the fixture packages and their repository
  procps iproute2                   # ps, ip netns and veth for the "outside" namespace
  libfmt9 libinih1                  # run-time libraries of the project's binaries
)

# The first deb822 or one-line apt source that serves $suite (security and updates excluded).
find_mirror() {
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    case $f in
      *.sources)
        awk -v suite="$suite" '
          /^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
          $1 == "URIs:" { uri = $2 }
          $1 == "Suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
          END { if (uri != "" && ok) print uri }' "$f" ;;
      *) awk -v suite="$suite" '$1 == "deb" && $3 == suite { print $2 }' "$f" ;;
    esac
  done | head -n 1
}

lab_engine_ensure
lab_remove_leftovers
tag=$(lab_image_tag)
if lab_docker image inspect "$tag" >/dev/null 2>&1; then
  lab_log "reusing image $tag"
  echo "$tag"
  exit 0
fi

mirror=${LAB_MIRROR:-$(find_mirror)}
[[ -n $mirror ]] || lab_die "no apt source for $suite found; set LAB_MIRROR"
mkdir -p "$LAB_STATE_DIR"
root=$(mktemp -d "$LAB_STATE_DIR/rootfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
start=$SECONDS

lab_log "debootstrap $suite from $mirror into $root"
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
  "$suite" "$root" "$mirror" >"$LAB_STATE_DIR/debootstrap.log" 2>&1 ||
  { tail -n 30 "$LAB_STATE_DIR/debootstrap.log" >&2; lab_die "debootstrap failed"; }

# Inner Docker: vfs is the storage driver that works inside a container on any file system.
mkdir -p "$root/etc/docker"
printf '{"storage-driver": "vfs"}\n' >"$root/etc/docker/daemon.json"

# One rpm database for every caller: Debian's rpm keeps it in $HOME/.rpmdb, which would differ
# between `docker exec`, systemd units and scriptlets.
mkdir -p "$root/etc/rpm"
printf '%%_dbpath /var/lib/rpm\n' >"$root/etc/rpm/macros.lab-dbpath"
chroot "$root" rpm --initdb
# dnf cannot guess a release on Debian; the lab repository does not use it anyway.
mkdir -p "$root/etc/dnf/vars"
echo lab >"$root/etc/dnf/vars/releasever"

# The fixture RPM `nftables` ships nftables.service as EL does; move Debian's unit of the same
# name aside (dpkg keeps track of it) so the two never overwrite each other.
chroot "$root" dpkg-divert --local --rename \
  --divert /lib/systemd/system/nftables.service.debian --add /lib/systemd/system/nftables.service

# A clean image: no apt lists, no machine id (systemd makes one at boot).
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
: >"$root/etc/machine-id"

lab_log "importing $tag"
tar -C "$root" -c . | lab_docker import - "$tag" >/dev/null
lab_log "image $tag built in $((SECONDS - start)) s"

# Older lab images only take space; keep those a container still uses.
lab_docker images --format '{{.Repository}}:{{.Tag}}' "$LAB_IMAGE_REPO" |
  grep -vxF "$tag" | xargs -r "$LAB_DOCKER" rmi >/dev/null 2>&1 || true
echo "$tag"
