#!/usr/bin/env bash
# Prepares the host image of one generation (LAB_GEN, see generations.sh) and prints its tag:
# Debian (minbase) with systemd, dbus, dockerd, iptables, nftables, rpm and dnf, the
# libraries and tools to build the project (the same image is its build container, see
# build.sh), imported into the outer Docker engine. The tag carries a hash of this file and of
# the generation's package list (see lab_image_tag), so unchanged inputs reuse the cached image
# and any change builds a new one.
# Network: only the Debian mirror from this machine's apt sources (or LAB_MIRROR).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

suite=$LAB_GEN
packages=(
  systemd systemd-sysv dbus         # systemd as PID 1 of the host container
  iptables nftables                 # the firewalls under test (iptables-nft backend)
  docker.io                         # the inner Docker engine
  busybox-static                    # the container image, HTTP servers, nc
  rpm dnf python3-dnf createrepo-c  # the fixture packages and their repository
  procps iproute2                   # ps, ip netns and veth for the "outside" namespace
  conntrack                         # the lab reads connection tracking with it (never the guard)
  # the project's build, as a distribution builds it for this generation (build.sh)
  cmake g++ make pkg-config libfmt-dev libinih-dev nlohmann-json3-dev libgtest-dev
  libgmock-dev libsystemd-dev libcli11-dev libcurl4-openssl-dev libnetfilter-conntrack-dev
  scdoc                             # the man pages, which the project's RPM packages
)
read -ra extra <<<"${LAB_GEN_PACKAGES[$LAB_GEN]}"
packages+=("${extra[@]}")

# The Debian archive this machine installs from: the first deb822 or one-line apt source
# serving the machine's own release (security and updates excluded). It serves every suite.
find_mirror() {
  local f own
  own=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    case $f in
      *.sources)
        awk -v suite="$own" '
          /^[[:space:]]*$/ { if (uri != "" && ok) { print uri; exit } uri = ""; ok = 0; next }
          $1 == "URIs:" { uri = $2 }
          $1 == "Suites:" { for (i = 2; i <= NF; i++) if ($i == suite) ok = 1 }
          END { if (uri != "" && ok) print uri }' "$f" ;;
      *) awk -v suite="$own" '$1 == "deb" && $3 == suite { print $2 }' "$f" ;;
    esac
  done | head -n 1
}

lab_engine_ensure
tag=$(lab_image_tag)
if lab_docker image inspect "$tag" >/dev/null 2>&1; then
  lab_log "reusing image $tag"
  echo "$tag"
  exit 0
fi

mirror=${LAB_MIRROR:-$(find_mirror)}
[[ -n $mirror ]] || lab_die "no apt source of this machine's release found; set LAB_MIRROR"
mkdir -p "$LAB_STATE_DIR"
root=$(mktemp -d "$LAB_STATE_DIR/rootfs-$suite.XXXXXX")
trap 'rm -rf "$root"' EXIT
log=$LAB_STATE_DIR/debootstrap-$suite.log
start=$SECONDS

# Debian 12's debootstrap knows no suite after trixie; its sid script builds all three.
lab_log "debootstrap $suite from $mirror into $root"
debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" \
  "$suite" "$root" "$mirror" /usr/share/debootstrap/scripts/sid >"$log" 2>&1 ||
  { tail -n 30 "$log" >&2; lab_die "debootstrap of $suite failed (log: $log)"; }

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
# name aside (dpkg keeps track of it) so the two never overwrite each other. Its path is the
# one dpkg knows: /lib before the /usr merge (bookworm), /usr/lib after it.
unit=$(chroot "$root" dpkg-query -L nftables | grep -m1 '/systemd/system/nftables\.service$') ||
  lab_die "Debian's nftables package ships no nftables.service in $suite"
chroot "$root" dpkg-divert --local --rename --divert "$unit.debian" --add "$unit"

# The project's .deb is built in the image too (build.sh deb, tools/deb.sh). Installed by apt
# after debootstrap: debootstrap --include fails to configure lintian's Perl modules.
chroot "$root" env DEBIAN_FRONTEND=noninteractive apt-get -qq -y -o APT::Sandbox::User=root \
  install --no-install-recommends build-essential debhelper dpkg-dev lintian git >>"$log" 2>&1 ||
  { tail -n 30 "$log" >&2; lab_die "installing the .deb's build tools for $suite failed (log: $log)"; }
rm -rf "$root"/var/cache/apt/archives/*.deb

# Debian's own firewall packages, downloaded here with what they need beyond the image and
# installed only by the scenario that tries them (debian-firewalls.sh): iptables-persistent's
# Alias=iptables.service would shadow the fixture RPMs' units in every other scenario. One
# directory per firewall, each whole: /var/cache/lab-debs/{nftables,netfilter-persistent,ferm}.
for fw in nftables:nftables netfilter-persistent:iptables-persistent ferm:ferm; do
  dir=/var/cache/lab-debs/${fw%%:*}
  mkdir -p "$root$dir/partial"
  chroot "$root" apt-get -qq -y --download-only --reinstall -o APT::Sandbox::User=root \
    -o Dir::Cache::Archives="$dir" install "${fw#*:}" >>"$log" 2>&1 ||
    { tail -n 30 "$log" >&2; lab_die "downloading ${fw#*:} for $suite failed (log: $log)"; }
  rm -rf "$root$dir/partial" "$root$dir/lock"
done

# A container loads no kernel modules. trixie's systemd-modules-load runs (Debian's
# /etc/modules-load.d/modules.conf) and fails without libkmod, leaving the host degraded.
ln -sf /dev/null "$root/etc/systemd/system/systemd-modules-load.service"

# A clean image: no apt lists, no machine id (systemd makes one at boot).
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin
: >"$root/etc/machine-id"

lab_log "importing $tag"
tar -C "$root" -c . | lab_docker import - "$tag" >/dev/null
lab_log "image $tag built in $((SECONDS - start)) s"

# Older images of this generation (and untagged-by-generation ones from before generations)
# only take space; keep those a container still uses.
lab_docker images --format '{{.Repository}}:{{.Tag}}' "$LAB_IMAGE_REPO" |
  grep -E "^$LAB_IMAGE_REPO:($LAB_GEN-)?[0-9a-f]{16}\$" | grep -vxF "$tag" |
  xargs -r "$LAB_DOCKER" rmi >/dev/null 2>&1 || true
echo "$tag"
