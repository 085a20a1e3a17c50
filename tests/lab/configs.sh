# shellcheck shell=bash
# The Docker configurations the lab sets up in a host (sourced by docker-configs.sh and
# record-docker-configs.sh after lib.sh; CMake reads LAB_CONFIGS and LAB_CONFIGS_CORE from
# here: this is the one place that lists them). Each is a way real hosts run Docker whose
# rules differ from the lab's usual web container (../shared/DESIGN.md, "Judging Docker's
# rules"); every one has the lab's web container (-p 8080:80, lab_web_run) beside its own.
#   icc-links          "icc": false; "db" (--expose 6379, an HTTP server there) and "app"
#                      --link db:db on the default bridge; "other", not linked
#   foreign-chain      someone else's upper-case chain BLOCKLIST (filter, one DROP rule),
#                      jumped to from DOCKER-USER, kept by its own unit (fixtures/blocklist.service)
#   host-ipv4          a network with com.docker.network.host_ipv4 = LAB_CONFIG_SNAT_IP (an
#                      address added to the host's outside interface), "snat" on it, -p 8081:80
#   internal           an --internal network, "i1" (an HTTP server) and "i2" on it
#   userland-proxy-off "userland-proxy": false
#   ipv6               "ipv6": true, "fixed-cidr-v6" (before Docker 27 also "ip6tables" and
#                      "experimental"); the outside gets an IPv6 ULA too (LAB_CONFIG_OUTSIDE_IP6)
#   gateway-modes      a network with gateway_mode_ipv4=routed ("routed", -p 8083:80) and one
#                      with nat-unprotected ("unprot", -p 8084:80); Docker 28 and later
#   many               40 containers with 5 published ports each on 8 user networks
# Configuration values reach the host's shells only as arguments, never as shell text.

# Every configuration (forky runs them all); the core set the other generations run (CMake
# reads it).
# shellcheck disable=SC2034 # LAB_CONFIGS_CORE: read by CMake
LAB_CONFIGS=(icc-links foreign-chain host-ipv4 internal userland-proxy-off ipv6 gateway-modes many)
LAB_CONFIGS_CORE=(icc-links foreign-chain host-ipv4 ipv6)
# The oldest Docker (major version) a configuration exists in, when not every one of the lab's.
declare -A LAB_CONFIG_DOCKER_MIN=([gateway-modes]=28)

LAB_CONFIG_SNAT_IP=198.51.100.50    # host-ipv4's source address, on the host's outside interface
LAB_CONFIG_HOST_IP6=fd00:5100::1    # ipv6: the host's end of the outside link (a ULA, /64)
LAB_CONFIG_OUTSIDE_IP6=fd00:5100::2 # ipv6: the outside server
LAB_CONFIG_FIXED_CIDR_V6=fd00:dead:beef::/64
LAB_CONFIG_ROUTED_NET=10.83.0.0/24  # gateway-modes: the routed network, routed to from outside
LAB_CONFIG_MANY_CONTAINERS=40 LAB_CONFIG_MANY_NETWORKS=8 LAB_CONFIG_MANY_PORT0=20000

# lab_config_known CONFIG: CONFIG is one of LAB_CONFIGS.
lab_config_known() {
  local config
  for config in "${LAB_CONFIGS[@]}"; do [[ $config == "$1" ]] && return 0; done
  return 1
}

# The major version of the host's dockerd ("Docker version 20.10.24+dfsg1, build ..." says 20),
# read from the program, so that it works before dockerd runs.
lab_config_docker_major() {
  local version
  version=$(lab_exec dockerd --version) || lab_die "dockerd --version failed in the host"
  [[ $version =~ ([0-9]+)\.[0-9]+ ]] || lab_die "dockerd --version: no version in '$version'"
  echo "${BASH_REMATCH[1]}"
}

# lab_config_applies CONFIG: the host's Docker has CONFIG (LAB_CONFIG_DOCKER_MIN).
lab_config_applies() {
  local min=${LAB_CONFIG_DOCKER_MIN[$1]:-0}
  (($(lab_config_docker_major) >= min))
}

# lab__daemon_json_merge JSON: the keys of JSON (an object, this script's own text) added to
# the host's /etc/docker/daemon.json (the image's storage driver stays); Docker reads it at
# its next start.
lab__daemon_json_merge() {
  lab_exec /usr/bin/python3 -c 'import json, sys
path = "/etc/docker/daemon.json"
with open(path) as f:
    settings = json.load(f)
settings.update(json.loads(sys.argv[1]))
with open(path, "w") as f:
    json.dump(settings, f, indent=1, sort_keys=True)
    f.write("\n")' "$1"
}

# lab_config_daemon_json CONFIG: CONFIG's daemon.json settings, before Docker starts.
lab_config_daemon_json() {
  case $1 in
    icc-links) lab__daemon_json_merge '{"icc": false}' ;;
    userland-proxy-off) lab__daemon_json_merge '{"userland-proxy": false}' ;;
    ipv6)
      lab__daemon_json_merge "{\"ipv6\": true, \"fixed-cidr-v6\": \"$LAB_CONFIG_FIXED_CIDR_V6\"}"
      # Docker 27 made ip6tables its default and not experimental; before, both are needed.
      if (($(lab_config_docker_major) < 27)); then
        lab__daemon_json_merge '{"ip6tables": true, "experimental": true}'
      fi ;;
  esac
}

# The outside's IPv6 (ipv6): a ULA on both ends of the outside link (nodad: usable at once);
# the outside still has no route back to the containers' networks. The host container comes
# with IPv6 disabled (the outer engine's doing for --network none, its namespace only), which
# Docker 28 takes as a host without IPv6: it then publishes ports on IPv4 only. So IPv6 is
# enabled in the host's namespace, as on a real host, before Docker's next start.
lab__config_outside_ipv6() {
  lab_sh 'for conf in all default lo lab-out; do sysctl -q -w "net.ipv6.conf.$conf.disable_ipv6=0"; done
    ip netns exec outside sysctl -q -w net.ipv6.conf.lab-in.disable_ipv6=0
    ip -6 addr add "$1/64" dev lab-out nodad
    ip -n outside -6 addr add "$2/64" dev lab-in nodad' "$LAB_CONFIG_HOST_IP6" "$LAB_CONFIG_OUTSIDE_IP6"
}

# A CGI on the outside server that answers with the address a connection came from
# (busybox httpd sets REMOTE_ADDR), so that a probe can tell which source NAT it met.
lab__config_outside_addr_cgi() {
  lab_sh 'mkdir -p /srv/outside/cgi-bin
    printf "%s\n" "#!/bin/sh" "printf \"Content-Type: text/plain\\r\\n\\r\\n\"" \
      "echo \"remote=\$REMOTE_ADDR\"" >/srv/outside/cgi-bin/addr
    chmod 0755 /srv/outside/cgi-bin/addr'
}

# lab_config_serve NAME ARGS...: a container NAME (docker run ARGS) serving the lab's page
# with busybox httpd on port 80, or on each port of LAB_SERVE_PORTS (words) when set; its
# shell traps TERM so that a stop is prompt.
lab_config_serve() {
  local name=$1
  shift
  # shellcheck disable=SC2016 # the container's shell expands them
  lab_exec docker run -d --name "$name" "$@" lab/busybox sh -c \
    'trap "exit 0" TERM; for p in $0; do httpd -f -p "$p" -h /www & done; wait' "${LAB_SERVE_PORTS:-80}" >/dev/null
}

# lab_config_idle NAME ARGS...: a container NAME (docker run ARGS) that only runs.
lab_config_idle() {
  local name=$1
  shift
  lab_exec docker run -d --name "$name" "$@" lab/busybox \
    sh -c 'trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null
}

# lab_config_world CONFIG: a booted host (lab_host_boot) made into CONFIG's world: its
# daemon.json, the lab's world with LAB_EL's iptables.service (lab_world_up: the outside, the
# web container), ip6tables.service too for ipv6 (enabled before Docker starts, as at boot),
# then CONFIG's networks, containers and chains (lab_config_up).
lab_config_world() {
  local config=$1
  lab_config_known "$config" || lab_die "unknown configuration $config (one of: ${LAB_CONFIGS[*]})"
  lab_config_applies "$config" ||
    lab_die "$config needs Docker ${LAB_CONFIG_DOCKER_MIN[$config]} or later; $LAB_GEN has $(lab_config_docker_major)"
  lab_config_daemon_json "$config"
  lab_world_up iptables
  if [[ $config == ipv6 ]]; then
    lab_exec systemctl enable --now ip6tables.service
    lab__config_outside_ipv6
    lab_docker_restart
    lab_wait_for 30 "container reaches outside" lab_reaches_outside
  fi
  lab_config_up "$config"
}

# lab_config_up CONFIG: CONFIG's own part, in a world where Docker runs with CONFIG's
# daemon.json; checks that each works (lab_config_traffic with lab_expect).
lab_config_up() {
  local config=$1 i n net
  case $config in
    icc-links)
      # db's server listens on its exposed port: with icc off, links accept only those.
      LAB_SERVE_PORTS=6379 lab_config_serve db --expose 6379
      lab_config_idle app --link db:db
      lab_config_idle other ;;
    foreign-chain)
      lab_copy_in "$LAB_DIR/fixtures/blocklist.service" /etc/systemd/system/blocklist.service
      lab_exec systemctl daemon-reload
      lab_exec systemctl enable --now blocklist.service ;;
    host-ipv4)
      lab_exec ip addr add "$LAB_CONFIG_SNAT_IP/32" dev lab-out
      lab__config_outside_addr_cgi
      lab_exec docker network create --subnet 10.81.0.0/24 \
        -o "com.docker.network.host_ipv4=$LAB_CONFIG_SNAT_IP" snatnet >/dev/null
      lab_config_serve snat --network snatnet -p 8081:80 ;;
    internal)
      lab_exec docker network create --internal --subnet 10.82.0.0/24 intnet >/dev/null
      lab_config_serve i1 --network intnet
      lab_config_idle i2 --network intnet ;;
    userland-proxy-off | ipv6) ;; # daemon.json and the web container are the configuration
    gateway-modes)
      lab_exec docker network create --subnet "$LAB_CONFIG_ROUTED_NET" \
        -o com.docker.network.bridge.gateway_mode_ipv4=routed routednet >/dev/null
      lab_exec docker network create --subnet 10.84.0.0/24 \
        -o com.docker.network.bridge.gateway_mode_ipv4=nat-unprotected unprotnet >/dev/null
      lab_config_serve routed --network routednet -p 8083:80
      lab_config_serve unprot --network unprotnet -p 8084:80
      # The outside routes the routed network to the host, as a router in front of it would.
      lab_exec ip -n outside route add "$LAB_CONFIG_ROUTED_NET" via "$LAB_HOST_IP" ;;
    many)
      n=$LAB_CONFIG_MANY_NETWORKS
      for ((net = 1; net <= n; net++)); do
        lab_exec docker network create --subnet "10.90.$net.0/24" "many$net" >/dev/null
      done
      # In one shell of the host: 40 `docker exec`s less. Container i on network (i-1)%n+1,
      # host ports PORT0+5(i-1) to +4 published to its ports 80 to 84, each served.
      lab_sh 'count=$1 n=$2 port0=$3
        for ((i = 1; i <= count; i++)); do
          ports=()
          for ((k = 0; k < 5; k++)); do ports+=(-p "$((port0 + 5 * (i - 1) + k)):$((80 + k))"); done
          docker run -d --name "m$i" --network "many$(((i - 1) % n + 1))" "${ports[@]}" lab/busybox \
            sh -c "trap \"exit 0\" TERM; for p in 80 81 82 83 84; do httpd -f -p \$p -h /www & done; wait" >/dev/null
        done' "$LAB_CONFIG_MANY_CONTAINERS" "$n" "$LAB_CONFIG_MANY_PORT0" ;;
    *) lab_die "unknown configuration $config" ;;
  esac
  lab_config_traffic "$config" lab__config_wait
}
lab__config_wait() { lab_wait_for 30 "$@"; }

# ---------------------------------------------------------------------------------------------
# What each configuration's traffic must do. lab_config_traffic CONFIG CHECK calls
# `CHECK DESCRIPTION CMD...` for each, CMD a probe that succeeds when the traffic does what it
# must (a probe for an absence succeeds only from a probe that ran); CHECK decides what a
# failure costs (lab_config_up waits and fails; docker-configs.sh waits and counts).

# The probes: each returns 0 yes, 1 the probe ran and no, 2 it could not run (lab__http_ok).
lab_config_reaches() { lab__http_ok "$1" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"; }
lab_config_answers() { lab__http_ok "$1" "$2" "$3" "$LAB_WEB_MARK"; }
# lab_config_nothing WHERE ADDRESS PORT: a probe from WHERE ran and got no page.
lab_config_nothing() {
  local rc=0
  lab__http_ok "$1" "$2" "$3" "$LAB_WEB_MARK" || rc=$?
  ((rc == 1))
}
# lab_config_isolated WHERE: WHERE's probe of the outside server ran and got no page.
lab_config_isolated() {
  local rc=0
  lab_config_reaches "$1" || rc=$?
  ((rc == 1))
}
# lab_config_source_is CONTAINER ADDRESS: the outside server saw CONTAINER's connection come
# from ADDRESS (its CGI, lab__config_outside_addr_cgi).
lab_config_source_is() {
  local out
  out=$(lab_exec docker exec "$1" sh -c \
    'printf "GET /cgi-bin/addr HTTP/1.0\r\n\r\n" | nc -w 3 "$0" 80' "$LAB_OUTSIDE_IP" 2>&1) || true
  # httpd listens on IPv6 too, so an IPv4 peer reads [::ffff:ADDRESS].
  [[ $out =~ remote=\[?(::ffff:)?([0-9a-f.:]+)\]? ]] || out=
  [[ ${BASH_REMATCH[2]:-} == "$2" ]] && return 0
  lab_log "probe from $1 of its source address: ${BASH_REMATCH[2]:-no answer}"
  return 1
}
# lab_config_address CONTAINER NETWORK: CONTAINER's IPv4 address on NETWORK.
lab_config_address() {
  lab_exec docker inspect -f "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}" "$1"
}
# lab_config_address6 CONTAINER: CONTAINER's IPv6 address on the default bridge.
lab_config_address6() { lab_exec docker inspect -f '{{.NetworkSettings.GlobalIPv6Address}}' "$1"; }

lab_config_traffic() {
  local config=$1 check=$2 i k port db
  "$check" "web reaches outside" lab_config_reaches "$LAB_WEB"
  "$check" "web's port 8080 answers from outside" lab_port_answers
  case $config in
    icc-links)
      db=$(lab_config_address db bridge)
      "$check" "icc-links: app reaches db:6379 by its link" lab_config_answers app db 6379
      "$check" "icc-links: other (not linked) gets nothing from db ($db:6379)" lab_config_nothing other "$db" 6379 ;;
    foreign-chain)
      "$check" "foreign-chain: blocklist.service active" lab_config_active blocklist.service ;;
    host-ipv4)
      "$check" "host-ipv4: snat reaches outside" lab_config_reaches snat
      "$check" "host-ipv4: the outside sees snat come from $LAB_CONFIG_SNAT_IP" \
        lab_config_source_is snat "$LAB_CONFIG_SNAT_IP"
      "$check" "host-ipv4: snat's port 8081 answers from outside" lab_port_answers_outside 8081 ;;
    internal)
      "$check" "internal: i2 reaches i1" lab_config_answers i2 "$(lab_config_address i1 intnet)" 80
      "$check" "internal: i2 does not reach outside" lab_config_isolated i2 ;;
    userland-proxy-off)
      "$check" "userland-proxy-off: port 8080 answers on the host at its address $LAB_HOST_IP" \
        lab_config_answers host "$LAB_HOST_IP" 8080 ;;
    ipv6)
      "$check" "ipv6: web reaches the outside over IPv6 ($LAB_CONFIG_OUTSIDE_IP6)" \
        lab__http_ok "$LAB_WEB" "$LAB_CONFIG_OUTSIDE_IP6" 80 "$LAB_OUTSIDE_MARK"
      "$check" "ipv6: port 8080 answers from outside at [$LAB_CONFIG_HOST_IP6]" \
        lab__http_ok outside "$LAB_CONFIG_HOST_IP6" 8080 "$LAB_WEB_MARK" ;;
    gateway-modes)
      "$check" "gateway-modes: routed answers from outside at its own address" \
        lab_config_answers outside "$(lab_config_address routed routednet)" 80
      "$check" "gateway-modes: unprot's port 8084 answers from outside" lab_port_answers_outside 8084 ;;
    many)
      # A sample: the first, a middle and the last container, every port of each.
      for i in 1 $((LAB_CONFIG_MANY_CONTAINERS / 2)) "$LAB_CONFIG_MANY_CONTAINERS"; do
        for ((k = 0; k < 5; k++)); do
          port=$((LAB_CONFIG_MANY_PORT0 + 5 * (i - 1) + k))
          "$check" "many: m$i's port $port answers from outside" lab_port_answers_outside "$port"
        done
      done ;;
  esac
}
lab_config_active() { [[ $(lab_exec systemctl is-active "$1") == active ]]; }

# ---------------------------------------------------------------------------------------------
# Both families' whole rule sets, normalised so that two can be compared as text: comment
# lines and counters dropped; per family and table (tables in name order), the chain
# declarations sorted, then every chain's rules, chains in name order, each chain's own
# order kept. Tables with no rule and no chain of their own are left out (under iptables-nft
# EL's stop creates raw and mangle to set their policies; lab_all_rules does the same).
lab_rules_normalised() {
  lab_sh 'for save in iptables-save ip6tables-save; do echo "family $save"; $save; done' |
    awk -v OFS='\t' '
      /^family / { family = $2; next }
      /^#/ { next }
      /^\*/ { table = substr($0, 2); n = 0; used = 0; next }
      /^:/ { sub(/ \[[0-9]+:[0-9]+\]$/, ""); if ($2 == "-") used = 1
             lines[++n] = family OFS table OFS 0 OFS $0 OFS 0 OFS $0; next }
      /^-A / { used = 1; lines[++n] = family OFS table OFS 1 OFS $2 OFS NR OFS $0; next }
      /^COMMIT$/ { if (used) for (i = 1; i <= n; i++) print lines[i]; next }' |
    LC_ALL=C sort -t $'\t' -k1,1 -k2,2 -k3,3n -k4,4 -k5,5n |
    awk -F'\t' '$1 "*" $2 != last { print "# " $1 " *" $2; last = $1 "*" $2 } { print $6 }'
}
