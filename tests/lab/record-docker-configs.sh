#!/usr/bin/env bash
# Not a test: records, per Docker configuration of configs.sh, what dockerd and iptables say
# on LAB_GEN, for the unit tests (tests/data/docker-configs/docker-VERSION/CONFIG/):
# GET /containers/json and GET /networks (indented, keys sorted), the iptables-save and
# ip6tables-save of the same moment (comment lines dropped), as record-docker-api.sh does,
# and the daemon.json Docker ran with. Each configuration in a host of its own (its own
# daemon.json, no rule of another's left), with EL 8's iptables.service and its stock file
# (and ip6tables.service for ipv6), the outside and the lab's web container (lab_config_world);
# its traffic is checked before anything is recorded.
#   LAB_GEN=forky bash tests/lab/record-docker-configs.sh [CONFIG...]
# Without CONFIGs: every configuration the generation's Docker has (LAB_CONFIG_DOCKER_MIN).
# Fixtures first, as tests/lab/README.md says.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$LAB_DIR/configs.sh"

configs=("$@")
((${#configs[@]})) || configs=("${LAB_CONFIGS[@]}")
for config in "${configs[@]}"; do
  lab_config_known "$config" || lab_die "unknown configuration $config (one of: ${LAB_CONFIGS[*]})"
done

lab_init
for config in "${configs[@]}"; do
  lab_host_boot "dfg-lab-record-$LAB_GEN-$config-$$"
  if ! lab_config_applies "$config"; then
    lab_log "$config: not in Docker $(lab_config_docker_major) ($LAB_GEN); skipped"
    lab__host_remove "$LAB_HOST"
    continue
  fi
  lab_log "$config: setting it up"
  lab_config_world "$config"
  version=$(lab_exec docker version -f '{{.Server.Version}}')
  out=$LAB_DIR/../data/docker-configs/docker-${version%%+*}/$config
  lab_record_docker "$out"
  lab_exec cat /etc/docker/daemon.json >"$out/daemon.json"
  lab_log "$config: recorded Docker $version's answers in $out"
  lab__host_remove "$LAB_HOST"
done
