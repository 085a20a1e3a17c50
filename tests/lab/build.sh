#!/usr/bin/env bash
# Builds the project for one generation (LAB_GEN) as a distribution would: in a container of
# that generation's image, with its compiler and its fmt, inih, CLI11, libsystemd and
# GoogleTest, warnings as errors. The lab installs what this builds in that generation's
# hosts. Usage: build.sh [check|deb]
#   (none)  configure and build into <build>/lab/GEN/build, unless the image and the sources
#           are those of the last build there (a hash of both, kept beside it)
#   check   run the unit and golden tests of that build in the same container (%check)
#   deb     build the .deb the Debian way (tools/deb.sh, without its tests: check runs them;
#           lintian errors fail) into <build>/lab/GEN/build/deb
# The container has no network and sees the sources read-only.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

src=$(cd "$LAB_DIR/../.." && pwd)
out=$(lab_gen_build_dir)
image=$(lab_image_require)
stamp=$out/.lab-inputs

# A hash of the image and of every source file git knows or would add, the lab's own scripts
# aside (they do not go into the build); empty outside a git work tree, so nothing is reused.
inputs_hash() {
  git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1 || return 0
  {
    echo "$image"
    (cd "$src" && git ls-files -z --cached --others --exclude-standard -- . ':!tests/lab' |
      sort -zu | xargs -0 sha256sum 2>/dev/null) || true # a deleted file is simply not hashed
  } | sha256sum | cut -c1-16
}

# in_container SCRIPT: runs a bash script in a build container of LAB_GEN. A golden case
# makes its output read-only in a mount namespace of its own: CAP_SYS_ADMIN, unconfined.
in_container() {
  lab_docker run --rm --network none --cap-add SYS_ADMIN --security-opt seccomp=unconfined \
    --security-opt apparmor=unconfined --label "$LAB_LABEL=1" \
    --label "$LAB_LABEL.build=$LAB_BUILD_DIR" -v "$src:/src:ro" -v "$out:/build" -w /build \
    "$image" bash -euo pipefail -c "$1"
}

case ${1:-build} in
  build)
    inputs=$(inputs_hash)
    if [[ -n $inputs && -f $stamp && $(<"$stamp") == "$inputs" ]]; then
      lab_log "reusing the $LAB_GEN build in $out ($inputs)"
      exit 0
    fi
    rm -f "$stamp"
    mkdir -p "$out"
    start=$SECONDS
    lab_log "building for $LAB_GEN in $out"
    # -O2 as distributions build, without -g: the lab reads no debug info, which costs a
    # quarter of the compile time and changes no generated code.
    in_container '
      g++ --version | head -n 1
      cmake -S /src -B /build -DDFG_WERROR=ON -DDFG_LAB=OFF -DCMAKE_BUILD_TYPE=Release \
        -DCMAKE_CXX_FLAGS_RELEASE="-O2 -DNDEBUG" -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
      cmake --build /build -j"$(nproc)"'
    [[ -z $inputs ]] || echo "$inputs" >"$stamp"
    lab_log "built for $LAB_GEN in $((SECONDS - start)) s" ;;
  check)
    [[ -f $out/CMakeCache.txt ]] || lab_die "nothing built for $LAB_GEN in $out: run build.sh first"
    in_container 'ctest --output-on-failure -j"$(nproc)" -L "unit|generator"' ;;
  deb)
    mkdir -p "$out/deb"
    start=$SECONDS
    # deb.sh copies the files git knows of /src (read-only here) apart, and builds there.
    in_container 'git config --global --add safe.directory /src
      DEB_BUILD_OPTIONS=nocheck /src/tools/deb.sh /build/deb'
    lab_log "the .deb built for $LAB_GEN in $((SECONDS - start)) s" ;;
  *) echo "usage: $0 [build|check|deb]" >&2; exit 2 ;;
esac
