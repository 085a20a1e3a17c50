#!/usr/bin/env bash
# The project's RPMs, built with tools/rpm.sh. Usage: project-rpms.sh srpm|GEN
#   srpm  on this machine: the source RPM from the working tree and the binary RPMs from it,
#         with %check, then rpmlint (no errors allowed), into <build>/lab/rpm/host
#   (GEN) in a build container of LAB_GEN, as a distribution of that generation would: the
#         binary RPMs rebuilt from that source RPM into <build>/lab/GEN/rpms, twice, the second
#         with Release 1.lab2, so that tests can upgrade (lab_project_install). The tests are
#         left to lab.GEN.check, which runs them in the same image: --without check builds
#         none of them, which halves the time.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

src=$(cd "$LAB_DIR/../.." && pwd)
host_out=$LAB_BUILD_DIR/lab/rpm/host

case ${1:?usage: project-rpms.sh srpm|GEN} in
  srpm)
    rm -rf "$host_out"
    lab_log "building the source RPM and this machine's RPMs (with %check) in $host_out"
    bash "$src/tools/rpm.sh" "$host_out"
    bash "$src/tools/rpm-lint.sh" "$host_out" ;;
  *)
    srpm=$(compgen -G "$host_out/docker-firewall-guard-*.src.rpm") ||
      lab_die "no source RPM in $host_out: run project-rpms.sh srpm (the lab.project.rpm test)"
    out=$(lab_gen_build_dir)/../rpms
    rm -rf "$out"
    mkdir -p "$out"
    out=$(realpath "$out")
    image=$(lab_image_require)
    start=$SECONDS
    lab_docker run --rm --network none --label "$LAB_LABEL=1" \
      --label "$LAB_LABEL.build=$LAB_BUILD_DIR" -v "$src:/src:ro" -v "$srpm:/srpm/${srpm##*/}:ro" \
      -v "$out:/out" "$image" bash -euo pipefail -c '
        bash /src/tools/rpm.sh /out/1 "/srpm/$1" --without check
        bash /src/tools/rpm.sh /out/2 "/srpm/$1" --without check --define "dist .lab2"' \
      project-rpms "${srpm##*/}"
    lab_log "built the $LAB_GEN RPMs in $((SECONDS - start)) s: $(cd "$out" && echo */*.rpm)" ;;
esac
