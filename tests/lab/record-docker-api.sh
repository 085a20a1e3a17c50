#!/usr/bin/env bash
# Not a test: records dockerd's Engine API answers on LAB_GEN for the unit tests
# (tests/data/docker-api/docker-VERSION/): GET /containers/json and GET /networks, with the
# iptables-save and ip6tables-save of the same moment, from a host running the lab's web
# container (-p 8080:80), a container on a user-defined network publishing a UDP port, one on
# an internal network, and one publishing on 127.0.0.1 only.
#   LAB_GEN=forky bash tests/lab/record-docker-api.sh   (fixtures first, as tests/lab/README.md says)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

lab_scenario iptables
lab_exec docker network create --subnet 10.77.0.0/24 labnet >/dev/null
lab_exec docker network create --internal --subnet 10.78.0.0/24 labinternal >/dev/null
lab_exec docker run -d --name dns --network labnet -p 5353:53/udp lab/busybox sleep 1d >/dev/null
lab_exec docker run -d --name quiet --network labinternal lab/busybox sleep 1d >/dev/null
lab_exec docker run -d --name local -p 127.0.0.1:8443:443 lab/busybox sleep 1d >/dev/null

version=$(lab_exec docker version -f '{{.Server.Version}}')
out=$LAB_DIR/../data/docker-api/docker-${version%%+*}
lab_record_docker "$out"
lab_log "recorded Docker $version's answers in $out"
