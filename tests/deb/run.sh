#!/usr/bin/env bash
# The deb test: tools/deb.sh builds the source package and the .deb into OUT without running
# the tests (the other tests run them) and fails on a lintian error; then the .deb must hold
# the command, the generator in systemd's generator directory, the config as a conffile, the
# man pages and the dpkg trigger, and nothing of dnf's. Usage: run.sh SOURCE OUT
set -euo pipefail
src=${1:?usage: run.sh SOURCE OUT} out=${2:?usage: run.sh SOURCE OUT}
DEB_BUILD_OPTIONS=nocheck "$src/tools/deb.sh" "$out"
deb=$(ls "$out"/docker-firewall-guard_*.deb)
files=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's,^\./,/,')
# Where the build put it: the same pkg-config variable CMake asks (cmake/InstallDirs.cmake).
generators=$(pkg-config --variable=systemdsystemgeneratordir systemd 2>/dev/null ||
  echo /usr/lib/systemd/system-generators)
status=0
for path in /usr/sbin/docker-firewall-guard "$generators/docker-firewall-guard-generator" \
    /etc/docker-firewall-guard.conf /usr/lib/tmpfiles.d/docker-firewall-guard.conf \
    /usr/share/man/man8/docker-firewall-guard.8.gz \
    /usr/share/man/man8/docker-firewall-guard-generator.8.gz \
    /usr/share/man/man5/docker-firewall-guard.conf.5.gz; do
  grep -qxF "$path" <<<"$files" || { echo "deb: $deb: no $path" >&2; status=1; }
done
if grep -i dnf <<<"$files"; then
  echo "deb: $deb: dnf's files (above) are the RPM's" >&2
  status=1
fi
dpkg-deb -I "$deb" conffiles | grep -qxF /etc/docker-firewall-guard.conf ||
  { echo "deb: $deb: /etc/docker-firewall-guard.conf is not a conffile" >&2; status=1; }
dpkg-deb -I "$deb" triggers | grep -qx 'interest-noawait /usr/sbin/nft' ||
  { echo "deb: $deb: no dpkg trigger on /usr/sbin/nft" >&2; status=1; }
((status == 0)) && echo "ok: $deb"
exit "$status"
