#!/usr/bin/env bash
# Installs what building and testing need, from the distribution only.
set -euo pipefail

if command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  packages=(
    cmake g++ pkg-config make
    libfmt-dev libinih-dev nlohmann-json3-dev libgtest-dev libgmock-dev
    libsystemd-dev libcli11-dev libcurl4-openssl-dev libnetfilter-conntrack-dev systemd util-linux
    # the lab (tests/lab): outer Docker engine, root file system, RPM tooling
    docker.io debootstrap rpm rpmlint iptables nftables
    # benchmarks and docs; clang and its runtimes for the fuzz targets (libFuzzer); the
    # function-size lint (tests/lint)
    hyperfine scdoc clang libclang-rt-14-dev universal-ctags
    # the .deb (tools/deb.sh, the deb test); Rules-Requires-Root: no, so no fakeroot
    debhelper dpkg-dev lintian
  )
  missing=()
  for p in "${packages[@]}"; do
    [[ $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) == *'ok installed' ]] || missing+=("$p")
  done
  if ((${#missing[@]})); then
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
elif command -v dnf >/dev/null; then
  dnf install -y cmake gcc-c++ pkgconf-pkg-config make fmt-devel inih-devel json-devel \
    gtest-devel gmock-devel systemd-devel cli11-devel libcurl-devel libnetfilter_conntrack-devel systemd rpm-build rpmlint scdoc \
    python3-devel systemd-rpm-macros clang compiler-rt ctags
else
  echo "install-deps: neither apt-get nor dnf found; install the packages listed in README.md" >&2
  exit 1
fi
