# shellcheck shell=bash
# The world inside a host (sourced by lib.sh): the firewall fixtures served from a local dnf
# repository, the inner dockerd, a busybox image, the web container, an "outside" namespace,
# and probes that answer the questions the tests ask. All functions act on $LAB_HOST.

# The firewall stand-ins (fixtures/*.spec), keyed by the firewall's unit name without
# ".service". Versions are VERSION-RELEASE; VERSION must match the spec.
# shellcheck disable=SC2034 # used by the tests and build-rpms.sh
declare -A LAB_FW_PACKAGE=([iptables]=iptables-services [nftables]=nftables)
declare -A LAB_FW_OLD=([iptables]=1.4.21-18 [nftables]=1.0.4-10)
declare -A LAB_FW_NEW=([iptables]=1.4.21-19 [nftables]=1.0.4-11)

LAB_OUTSIDE_IP=198.51.100.2 # the "outside" server; the host's end of the veth is LAB_HOST_IP
LAB_WEB=web                 # the web container's name
LAB_WEB_MARK=lab-web-ok     # what the web container serves
LAB_OUTSIDE_MARK=lab-outside-ok

# The journal's message ids the tests count: systemd's "Started UNIT" (SD_MESSAGE_UNIT_STARTED),
# and the command's own (guard/journal.cc): the outcome of each restart-docker or after-transaction run
# (a restart or not), and each restore of strategy reconcile.
readonly LAB_UNIT_STARTED_MESSAGE_ID=39f53479d3a045ac8e11786248231fbf
readonly LAB_RESTART_MESSAGE_ID=0e7cfa4f28194de8b0315b5cdf4c8259
readonly LAB_RESTORE_MESSAGE_ID=5a1d3e0b9c8f4c27a6e2d4b7f0c91e38

# ---------------------------------------------------------------------------------------------
# Packages

# The fixture RPMs (build-rpms.sh) as a dnf repository "lab" in the host, and lab-base from
# it (fixtures/lab-base.spec), without which rpm would find no /bin/sh for scriptlets.
lab_repo_setup() {
  local rpms=$LAB_BUILD_DIR/lab/rpms
  compgen -G "$rpms/*.rpm" >/dev/null || lab_die "no fixture RPMs in $rpms: run build-rpms.sh"
  lab_copy_in "$rpms" /srv/lab-repo
  lab_sh '
    createrepo_c --quiet /srv/lab-repo
    mkdir -p /etc/yum.repos.d
    printf "%s\n" "[lab]" "name=lab fixtures" "baseurl=file:///srv/lab-repo" \
      "gpgcheck=0" "metadata_expire=0" >/etc/yum.repos.d/lab.repo'
  lab_dnf install lab-base
}

# lab_dnf ARGS...: Debian's dnf, run by /usr/bin/python3 (the one that has the dnf module).
lab_dnf() { lab_exec /usr/bin/python3 /usr/bin/dnf -y -q --refresh "$@"; }

# lab_rpm_version PACKAGE: prints VERSION-RELEASE of the installed package.
lab_rpm_version() { lab_exec rpm -q --qf '%{VERSION}-%{RELEASE}\n' "$1"; }

# lab_project_install SET: installs, or upgrades to, the project's RPMs built for LAB_GEN by
# project-rpms.sh (SET 1, or 2: the same with Release 1.lab2) with rpm -U: the package, its
# dnf 4 plugin and, where dnf 5 runs (forky), its actions file.
lab_project_install() {
  local dir
  dir=$(lab_gen_build_dir)/../rpms/$1
  compgen -G "$dir/*.rpm" >/dev/null || lab_die "no project RPMs in $dir: run project-rpms.sh $LAB_GEN"
  lab_exec rm -rf /srv/project-rpms
  lab_copy_in "$dir" /srv/project-rpms
  lab_sh 'cd /srv/project-rpms
    packages=(docker-firewall-guard-[0-9]*.rpm python3-dnf-plugin-docker-firewall-guard-*.rpm)
    if command -v dnf5 >/dev/null; then packages+=(docker-firewall-guard-dnf5-*.rpm); fi
    rpm -U "${packages[@]}"'
}

# The project's packages installed in the host, one per line.
lab_project_packages() { lab_exec rpm -qa --qf '%{NAME}\n' '*docker-firewall-guard*' | sort; }

# ---------------------------------------------------------------------------------------------
# Firewall, Docker, the outside, the web container

# The EL a host's iptables.service behaves as (fixtures/iptables.init): LAB_EL=8 (the
# default) for EL 8, EL 9 and Fedora, on iptables-nft; LAB_EL=7 for EL 7, on iptables-legacy.
LAB_EL=${LAB_EL:-8}
# The rules file iptables.service loads (LAB_RULES): stock (EL's, fixtures/sysconfig-iptables)
# or admin (fixtures/sysconfig-iptables-admin: nat rules and chains of the administrator's).
LAB_RULES=${LAB_RULES:-stock}

# lab_el_flavour: on LAB_EL=7, iptables-legacy for iptables and ip6tables (update-alternatives,
# as EL 7 has no other), with the iptables-nft tables Docker made at boot removed; dockerd
# must be restarted afterwards (lab_world_up does).
lab_el_flavour() {
  case $LAB_EL in
    8) return 0 ;;
    7) ;;
    *) lab_die "LAB_EL=$LAB_EL: 7 or 8" ;;
  esac
  lab_sh 'update-alternatives --quiet --set iptables /usr/sbin/iptables-legacy
    update-alternatives --quiet --set ip6tables /usr/sbin/ip6tables-legacy
    nft flush ruleset'
  lab_expect "EL 7: iptables is iptables-legacy" lab_sh 'iptables --version | grep -q legacy'
}

# lab_firewall_install FW [VERSION]: installs FW's stand-in (default: the older version), with
# the rules file LAB_RULES for iptables, and enables and starts its unit.
lab_firewall_install() {
  local fw=$1 version=${2:-${LAB_FW_OLD[$1]}}
  lab_dnf install "${LAB_FW_PACKAGE[$fw]}-$version"
  case $fw:$LAB_RULES in
    *:stock) ;;
    iptables:admin)
      lab_copy_in "$LAB_DIR/fixtures/sysconfig-iptables-admin" /etc/sysconfig/iptables
      lab_exec chmod 600 /etc/sysconfig/iptables ;;
    *) lab_die "LAB_RULES=$LAB_RULES for $fw: stock, or admin for iptables" ;;
  esac
  lab_exec systemctl enable --now "$fw.service"
  lab_expect_eq "$fw.service active" active "$(lab_exec systemctl is-active "$fw.service")"
}

# lab_firewall_event FW EVENT: what the tests do to the firewall.
#   restart  systemctl restart FW.service
#   upgrade  dnf upgrade of FW's package to the newer version (its old %postun restarts FW)
lab_firewall_event() {
  local fw=$1 event=$2 package=${LAB_FW_PACKAGE[$1]:?unknown firewall $1}
  case $event in
    restart) lab_firewall_paced lab_exec systemctl restart "$fw.service" ;;
    upgrade)
      lab_firewall_paced lab_dnf upgrade "$package"
      lab_expect_eq "$package upgraded" "${LAB_FW_NEW[$fw]}" "$(lab_rpm_version "$package")" ;;
    *) lab_die "unknown firewall event $event" ;;
  esac
}

# Firewall events at least LAB_FIREWALL_SPACING s apart: a firewall unit's own start limit is 5
# starts in 10 s, which a test must never hit.
readonly LAB_FIREWALL_SPACING=2.6
LAB__FIREWALL_LAST=0
# lab_firewall_paced CMD...: runs CMD (in this shell) once LAB_FIREWALL_SPACING s have passed
# since the last paced command ended; returns its status.
lab_firewall_paced() {
  local rc=0
  sleep "$(awk -v last="$LAB__FIREWALL_LAST" -v now="$(date +%s.%N)" -v gap="$LAB_FIREWALL_SPACING" \
    'BEGIN { w = last + gap - now; print (w > 0 ? w : 0) }')"
  "$@" || rc=$?
  LAB__FIREWALL_LAST=$(date +%s.%N)
  return "$rc"
}

# lab_iptables_restart: restarts iptables.service, paced (lab_firewall_paced).
lab_iptables_restart() { lab_firewall_paced lab_exec systemctl restart iptables.service; }

# lab_docker_restart: restarts the inner dockerd and waits for its API. Used at setup too:
# Docker must add its rules after the firewall loaded its own, as on a booted EL host.
lab_docker_restart() {
  lab_exec systemctl restart docker.service
  lab_wait_for 60 "inner dockerd answers" lab_exec docker info -f '{{.Driver}}' >/dev/null
}

# The flow prober (tests/flowprobe), as built for LAB_GEN: static, so the busybox image runs it.
readonly LAB_FLOWPROBE=/usr/local/bin/lab-flowprobe
readonly LAB_FLOW_UDP_PORT=5300
readonly LAB_FLOW_GIVE_UP=3.5 # s: a flow unanswered by then is stuck (TCP's SYN goes at 0, 1, 3 s)

# A private namespace "outside" on a veth pair (198.51.100.0/24, never the machine's LAN) with
# an HTTP server; the host routes the containers' traffic to it. The outside has no route back
# to the containers' networks, as the Internet.
lab_outside_setup() {
  lab_sh '
    ip netns add outside
    ip link add lab-out type veth peer name lab-in
    ip link set lab-in netns outside
    ip addr add "$3/24" dev lab-out
    ip link set lab-out up
    ip -n outside addr add "$1/24" dev lab-in
    ip -n outside link set lab-in up
    ip -n outside link set lo up
    mkdir -p /srv/outside
    echo "$2" >/srv/outside/index.html
    systemd-run --quiet --unit lab-outside-http -p NetworkNamespacePath=/run/netns/outside \
      /bin/busybox httpd -f -p 80 -h /srv/outside' "$LAB_OUTSIDE_IP" "$LAB_OUTSIDE_MARK" "$LAB_HOST_IP"
  lab_wait_for 10 "outside server answers the host" lab__http_ok host "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"
}

# An image "lab/busybox" without a registry: busybox-static and its applets, plus a web root.
lab_busybox_image() {
  lab_sh '
    root=$(mktemp -d)
    chmod 0755 "$root"
    mkdir -p "$root/bin" "$root/www"
    cp /bin/busybox "$root/bin/"
    for applet in $(busybox --list); do
      [[ $applet == busybox ]] || ln -s busybox "$root/bin/$applet"
    done
    echo "$1" >"$root/www/index.html"
    tar -C "$root" -c . | docker import --change "ENV PATH=/bin" - lab/busybox >/dev/null
    rm -rf "$root"' "$LAB_WEB_MARK"
}

# The web container, as in the seed: --restart always, port 8080 published. Each start appends
# a line to /starts inside it (lab_web_starts). The shell traps TERM so a stop is prompt (an
# init without a handler would ignore it and cost Docker's 10 s stop timeout).
lab_web_run() {
  lab_exec docker run -d --name "$LAB_WEB" --restart always -p 8080:80 lab/busybox \
    sh -c 'echo "$(date)" >>/starts; trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
  lab_wait_for 30 "published port answers" lab_port_answers
}

# lab_world_up FW: a host with FW's stand-in (older version) enabled, as LAB_EL's (lab_el_flavour)
# with LAB_RULES, Docker started after it,
# the outside namespace and the web container; checks the starting point of every test.
lab_world_up() {
  local fw=$1
  lab_outside_setup
  lab_repo_setup
  lab_el_flavour
  lab_firewall_install "$fw"
  lab_docker_restart
  lab_busybox_image
  lab_web_run
  lab_wait_for 30 "container reaches outside" lab_reaches_outside
}

# lab_scenario FW: how most scenarios begin: lab_init, a host booted (lab_host_boot), and the
# world with FW's stand-in in it (lab_world_up FW).
lab_scenario() {
  lab_init
  lab_host_boot
  lab_world_up "$1"
}

# ---------------------------------------------------------------------------------------------
# Probes: each answers one question with its exit status (or prints a number).

# lab__http_ok WHERE ADDRESS PORT MARK: an HTTP GET with busybox nc from WHERE ("host", the
# "outside" namespace, or a container) gets a page containing MARK (status 0); 1: the probe ran there and got no such
# page; 2: the probe could not run (no such container, the host or Docker not answering).
# (busybox wget crashes in such an image.)
lab__http_ok() {
  local where=$1 address=$2 port=$3 mark=$4 out ran=lab-probe-ran
  local get='printf "GET / HTTP/1.0\r\n\r\n" | busybox nc -w 3 "$0" "$1"; echo "$2"'
  if [[ $where == host ]]; then
    out=$(lab_exec sh -c "$get" "$address" "$port" "$ran" 2>&1) || true
  elif [[ $where == outside ]]; then
    out=$(lab_exec ip netns exec outside sh -c "$get" "$address" "$port" "$ran" 2>&1) || true
  else
    out=$(lab_exec docker exec "$where" sh -c "$get" "$address" "$port" "$ran" 2>&1) || true
  fi
  [[ $out == *"$mark"* ]] && return 0
  # (Its errors may come after the sentinel: docker exec passes the two streams apart.)
  if [[ $out == *"$ran"* ]]; then
    out=${out//"$ran"/}
    lab_log "probe from $where to $address:$port: ${out:-no answer}"
    return 1
  fi
  lab_log "probe from $where to $address:$port did not run: ${out:-no output}"
  return 2
}

# The host's address on the outside network, where users reach published ports.
LAB_HOST_IP=198.51.100.1
# lab_port_answers_outside PORT: does a port published on all addresses answer from the
# outside namespace at the host's address, as users reach it? Only through Docker's DNAT:
# EL's stock rules end INPUT with a REJECT, so docker-proxy is out of their reach.
lab_port_answers_outside() { lab__http_ok outside "$LAB_HOST_IP" "$1" "$LAB_WEB_MARK"; }
# Does the web container's published port answer from outside?
lab_port_answers() { lab_port_answers_outside 8080; }
# Does it answer on the host itself at 127.0.0.1 (docker-proxy, even without Docker's rules)?
lab_port_answers_locally() { lab__http_ok host 127.0.0.1 8080 "$LAB_WEB_MARK"; }

# Can the web container reach the outside server (forwarding and NAT through the host)?
lab_reaches_outside() { lab__http_ok "$LAB_WEB" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"; }

# Is the web container cut off from the outside, and nothing else wrong: the outside server
# answers the host, and the probe runs in the container but gets no page?
lab_cut_off() {
  lab__http_ok host "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK" ||
    { lab_log "the outside server does not answer the host"; return 1; }
  local rc=0
  lab_reaches_outside || rc=$?
  ((rc == 1))
}

# The host's clock (/proc/uptime), which the prober's log uses too.
lab_uptime() { lab_exec cut -d' ' -f1 /proc/uptime; }

# The prober, open loop, as the "probe" container's own command (so it comes back with the
# container): every 30 ms one connection outside, logging when it began and ended
# (/proc/uptime: the host's clock) and whether it got the page. A connection that succeeds
# only through TCP's retransmission (1 s later) is not prompt: the path was cut when it began.
lab_prober_start() {
  lab_exec docker run -d --name probe --restart always lab/busybox sh -c '
    while :; do
      (s=$(cut -d" " -f1 /proc/uptime)
       if printf "GET / HTTP/1.0\r\n\r\n" | nc -w 2 "$0" 80 2>/dev/null | grep -q "$1"; then
         echo "$s $(cut -d" " -f1 /proc/uptime) ok"; else echo "$s - fail"; fi >>/probe.log) &
      usleep 30000
    done' "$LAB_OUTSIDE_IP" "$LAB_OUTSIDE_MARK" >/dev/null
}

# The flow prober (tests/flowprobe, as built for LAB_GEN; static, so the busybox image runs it),
# in the outside namespace as a UDP echo server that logs every datagram that comes with a
# container's own address (/srv/outside/unnat.log), and as the "flows" container's own
# command (mounted into it): programs that
# retry on one socket. Every 20 ms a new UDP flow to the outside's echo server, resent from the
# same port every 200 ms until answered; every 50 ms a new TCP connection to its HTTP server,
# left to the kernel's SYN retransmissions; each gives up after LAB_FLOW_GIVE_UP s (stuck), a TCP
# connect the kernel ends with an error (a firewall's REJECT) is refused. A flow whose
# first packet left while Docker's NAT was gone stays untranslated (its connection-tracking
# entry outlives the outage) unless someone deletes that entry.
lab_flows_start() {
  local probe
  probe=$(lab_gen_build_dir)/tests/flowprobe/lab-flowprobe
  [[ -x $probe ]] || lab_die "the flow prober is not built for $LAB_GEN: $probe (the lab.$LAB_GEN.build test)"
  lab_copy_in "$probe" "$LAB_FLOWPROBE"
  lab_sh 'systemd-run --quiet --unit lab-outside-udp -p NetworkNamespacePath=/run/netns/outside \
    -p StandardOutput=file:/srv/outside/unnat.log "$1" serve "$2" "$3"' \
    "$LAB_FLOWPROBE" "$LAB_FLOW_UDP_PORT" "$LAB_HOST_IP"
  lab_exec docker run -d --name flows --restart always -v "$LAB_FLOWPROBE:/bin/lab-flowprobe:ro" lab/busybox sh -c \
    'exec lab-flowprobe flows "$0" "$1" 80 "$2" >>/flows.log' \
    "$LAB_OUTSIDE_IP" "$LAB_FLOW_UDP_PORT" "$LAB_FLOW_GIVE_UP" >/dev/null
}

# lab_flows_wait END: waits until every flow begun by END (the host's clock) has been answered
# or given up.
lab_flows_wait() {
  sleep "$(awk -v end="$1" -v give_up="$LAB_FLOW_GIVE_UP" -v now="$(lab_uptime)" \
    'BEGIN { w = end + give_up + 0.2 - now; print (w > 0 ? w : 0) }')"
}

# lab_flows FROM TO: what the flows begun in [FROM, TO] met, as "UDP_STUCK UDP_SLOWEST TCP_STUCK
# TCP_SLOWEST TCP_REFUSED UNNAT": flows never answered, the latest answer after TO (s, 0 when all
# came before it), per protocol, TCP connects refused, and the datagrams that reached the
# outside with a container's own address from FROM to TO + LAB_FLOW_GIVE_UP. Call
# lab_flows_wait TO first.
lab_flows() {
  local unnat
  unnat=$(lab_exec awk -v from="$1" -v to="$2" -v give_up="$LAB_FLOW_GIVE_UP" \
    '$1 == "unnat" && $2 >= from && $2 <= to + give_up { n++ } END { print n + 0 }' /srv/outside/unnat.log)
  lab_exec docker exec flows cat /flows.log |
    awk -v from="$1" -v to="$2" -v unnat="$unnat" '
      $2 >= from && $2 <= to {
        if ($3 == "-" && $4 == "refused") refused++
        else if ($3 == "-") stuck[$1]++
        else if ($3 - to > slowest[$1]) slowest[$1] = $3 - to
      }
      END { printf "%d %.2f %d %.2f %d %d\n", stuck["udp"], slowest["udp"], stuck["tcp"], slowest["tcp"], refused, unnat }'
}

# lab_outage FROM TO: the longest stretch between two prompt connections (done within 0.3 s) that
# began in [FROM, TO], FROM and TO included as bounds.
lab_outage() {
  { echo "$1"; lab_exec docker exec probe cat /probe.log |
    awk -v from="$1" -v to="$2" '$3 == "ok" && $2 - $1 <= 0.3 && $1 >= from && $1 <= to { print $1 }'
    echo "$2"; } | sort -n |
    awk 'NR > 1 && $1 - last > gap { gap = $1 - last } { last = $1 } END { printf "%.2f\n", gap }'
}

# lab_event_time PROGRAM ARGS...: a firewall or package event, paced (lab_firewall_paced): the
# command runs in the host between two readings of the host's clock (/proc/uptime, the one the
# prober logs with). Sets LAB_EVENT_START and LAB_EVENT_END (uptime, s), LAB_EVENT_COMMAND_S
# (the command's time) and LAB_EVENT_OUTPUT (what it printed, errors included). A command that
# fails fails the test.
lab_event_time() { lab_firewall_paced lab__event_time "$@"; }
lab__event_time() {
  local output last
  output=$(lab_sh 'a=$(cut -d" " -f1 /proc/uptime); "$@" 2>&1; b=$(cut -d" " -f1 /proc/uptime)
    echo "times $a $b"' "$@") || lab_die "$*: failed: $output"
  last=${output##*$'\n'}
  read -r _ LAB_EVENT_START LAB_EVENT_END <<<"$last"
  LAB_EVENT_OUTPUT=${output%"$last"}
  LAB_EVENT_COMMAND_S=$(awk -v a="$LAB_EVENT_START" -v b="$LAB_EVENT_END" 'BEGIN { printf "%.2f", b - a }')
}

# How long the prober keeps being read after the containers were seen back, so that the
# longest stretch without a connection has its end in the log.
readonly LAB_PROBE_TAIL=1.5

# lab_event_cut RECOVERED: the cut the last timed event (lab_event_time) made. RECOVERED is the
# host's clock (lab_uptime) when the containers were seen back; waits LAB_PROBE_TAIL s for the
# probes after it, then sets LAB_EVENT_OUTAGE: the longest stretch without a prompt connection
# from 1 s before the command to LAB_PROBE_TAIL s after RECOVERED (lab_outage).
lab_event_cut() {
  sleep "$LAB_PROBE_TAIL"
  LAB_EVENT_OUTAGE=$(lab_outage "$(awk -v a="$LAB_EVENT_START" 'BEGIN { print a - 1 }')" \
    "$(awk -v b="$1" -v tail="$LAB_PROBE_TAIL" 'BEGIN { print b + tail }')")
}

# lab_measure NAME STRATEGY PROGRAM ARGS...: runs a firewall or package command in the host,
# timed there (lab_event_time), waits until the web container reaches outside again, and
# measures what users felt (lab_event_cut): dockerd starts, whether the web container
# restarted, the command's time and the longest stretch the prober (lab_prober_start) had no
# connection. Sets the array LAB_MEASURED=(NAME STRATEGY STARTS RESTARTED(0|1) COMMAND_S
# OUTAGE_S) and appends it to LAB_MEASURED_TSV (with a header when new), if set. Lines the
# command printed about the guard are shown.
lab_measure() {
  local name=$1 strategy=$2 starts web line restarted=0
  shift 2
  starts=$(lab_dockerd_starts)
  web=$(lab_started_at "$LAB_WEB")
  lab_event_time "$@"
  { grep 'docker-firewall-guard' <<<"$LAB_EVENT_OUTPUT" || true; } |
    while read -r line; do lab_log "$name: said: $line"; done
  lab_wait_for 90 "$name: container reaches outside" lab_reaches_outside
  lab_event_cut "$(lab_uptime)"
  starts=$(($(lab_dockerd_starts) - starts))
  [[ $web == "$(lab_started_at "$LAB_WEB")" ]] || restarted=1
  LAB_MEASURED=("$name" "$strategy" "$starts" "$restarted" "$LAB_EVENT_COMMAND_S" "$LAB_EVENT_OUTAGE")
  lab_log "$name ($strategy): dockerd starts $starts, container restarted $restarted, command $LAB_EVENT_COMMAND_S s, longest stretch without a connection $LAB_EVENT_OUTAGE s"
  if [[ -n ${LAB_MEASURED_TSV:-} ]]; then
    mkdir -p "$(dirname "$LAB_MEASURED_TSV")"
    [[ -s $LAB_MEASURED_TSV ]] ||
      printf 'event\tstrategy\tdockerd starts\tcontainer restarted\tcommand s\toutage s\n' >"$LAB_MEASURED_TSV"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${LAB_MEASURED[@]}" >>"$LAB_MEASURED_TSV"
  fi
}

# lab_journal_count [--has TEXT] ARGS...: how many entries of this boot's journal match ARGS
# (journalctl's matches and options) and, with --has, hold TEXT in their message. Prints
# nothing and fails when journalctl fails, so that a count never reads 0 by accident.
lab_journal_count() {
  local text='' count
  if [[ ${1:-} == --has ]]; then text=$2; shift 2; fi
  count=$(lab_exec journalctl -b -q -o cat "$@" |
    awk -v text="$text" 'text == "" || index($0, text) { n++ } END { print n + 0 }') ||
    { lab_log "journalctl $* failed"; return 1; }
  echo "$count"
}

# lab_journal_has [--has TEXT] ARGS...: at least one such entry (lab_journal_count).
lab_journal_has() {
  local count
  count=$(lab_journal_count "$@") && ((count > 0))
}

# How many times did docker.service start in this boot (systemd's "Started" entries)?
lab_dockerd_starts() { lab_journal_count UNIT=docker.service MESSAGE_ID=$LAB_UNIT_STARTED_MESSAGE_ID; }

# How many times did docker.service fail in this boot (systemd's "Failed with result")?
lab_docker_failures() { lab_journal_count --has 'Failed with result' UNIT=docker.service; }

# When did CONTAINER (last) start, as Docker says?
lab_started_at() { lab_exec docker inspect -f '{{.State.StartedAt}}' "$1"; }

# How many times did the web container start (its own count, restart policy or not)?
lab_web_starts() { lab_exec docker exec "$LAB_WEB" sh -c 'wc -l </starts'; }

# Docker's RestartCount of the web container (restarts by its restart policy only).
lab_web_restart_count() { lab_exec docker inspect -f '{{.RestartCount}}' "$LAB_WEB"; }

# lab_rule_state TABLE RULE: prints "present" when iptables-save lists RULE, as it writes it
# ("-A CHAIN ..."), in TABLE, "absent" when its listing (which holds only the tables there
# are) has no such rule, and nothing (failing) when it cannot list: an absence is only ever
# read from a listing that worked.
lab_rule_state() {
  local rules
  rules=$(lab_exec iptables-save) || return 1
  if awk -v table="*$1" -v rule="$2" '$0 == table { t = 1; next } $0 == "COMMIT" { t = 0 }
      t && $0 == rule { found = 1 } END { exit !found }' <<<"$rules"; then
    echo present
  else
    echo absent
  fi
}

# Every rule of both families, counters and comments aside, in iptables-save's order. Tables
# with nothing in them are left out: under iptables-nft, EL's stop creates the ones it sets
# policies in (raw and mangle, and IPv6's nat when Docker has no IPv6 rules).
lab_all_rules() {
  lab_sh 'for save in iptables-save ip6tables-save; do $save | sed -e "/^#/d" -e "s/\[[0-9]*:[0-9]*\]//"; done' |
    awk '/^\*/ { table = $0 "\n"; used = 0; next }
      { table = table $0 "\n" }
      /^-A / || /^:.* - *$/ { used = 1 }
      /^COMMIT$/ && used { printf "%s", table }'
}

# Docker's MASQUERADE for the default bridge, the same on every generation
# (../shared/data/docker-rules). The inner iptables is iptables-nft, so it sees what nft did
# too: the probes work for both firewalls.
LAB_DOCKER_MASQUERADE='-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE'
# Are Docker's rules in place? Are they gone (and iptables works)?
lab_docker_rules_present() { [[ $(lab_rule_state nat "$LAB_DOCKER_MASQUERADE") == present ]]; }
lab_docker_rules_absent() { [[ $(lab_rule_state nat "$LAB_DOCKER_MASQUERADE") == absent ]]; }

# Did FW's rule file load (the last rule of its FORWARD or INPUT chain is there)?
lab_firewall_rules_present() {
  case $1 in
    iptables) lab_exec iptables -w -C FORWARD -j REJECT --reject-with icmp-host-prohibited ;;
    nftables) lab_exec nft list chain inet nftables_svc INPUT >/dev/null ;;
    *) lab_die "unknown firewall $1" ;;
  esac
}

# When did FW.service last become active (changes on every start or restart)?
lab_unit_started_at() {
  lab_exec systemctl show -p ActiveEnterTimestampMonotonic --value "$1"
}

# lab_unit_lists UNIT PROPERTY PATTERN: systemd's PROPERTY of UNIT (a list of words, such as
# Requires or DropInPaths) has a word matching PATTERN (a glob: a plain word matches only
# itself). Fails the test when systemctl cannot say.
lab_unit_lists() {
  local value word words
  value=$(lab_exec systemctl show -p "$2" --value "$1") || lab_die "systemctl show -p $2 $1 failed"
  read -ra words <<<"$value"
  for word in "${words[@]}"; do
    # shellcheck disable=SC2053 # PATTERN is a glob
    [[ $word == $3 ]] && return 0
  done
  return 1
}

# lab_path_state PATH: prints "present" or "absent" (whether PATH is there in the host, a
# dangling link included); nothing when the host cannot say.
lab_path_state() { lab_sh 'if [ -e "$1" ] || [ -L "$1" ]; then echo present; else echo absent; fi' "$1"; }

# ---------------------------------------------------------------------------------------------
# The command (docker-firewall-guard), as built for LAB_GEN (lab_install_cli) or packaged.

# lab_guard ARGS...: `docker-firewall-guard ARGS...` in the host, behind LAB_GUARD_WRAPPER (an
# array: a command that runs its arguments) when set, bounded to 90 s. Sets RC, OUT (standard
# output) and ERR (standard error), and logs them. Fails the test when the command did not end
# in time, could not run or died of a signal (exit 124 and above: statuses it never uses).
LAB_GUARD_WRAPPER=()
# lab__guard_ended ARGS...: fails the test unless RC is a status the command gives.
lab__guard_ended() {
  ((RC != 124)) || lab_die "docker-firewall-guard $* did not end within 90 s"
  ((RC < 124)) || lab_die "docker-firewall-guard $* could not run or died of a signal (exit $RC)"
}
lab_guard() {
  local err
  err=$(mktemp)
  RC=0
  OUT=$(lab_exec "${LAB_GUARD_WRAPPER[@]}" timeout 90 docker-firewall-guard "$@" 2>"$err") || RC=$?
  ERR=$(<"$err")
  rm -f "$err"
  lab_log "docker-firewall-guard $*: exit $RC: ${OUT:-(silent)}${ERR:+$'\n'(stderr) $ERR}"
  lab__guard_ended "$@"
}

# lab_guard_together N ARGS...: N runs of `docker-firewall-guard ARGS...` at once in the host,
# each bounded to 90 s. Sets OUT (their standard output, together) and RC (0 when every run
# exited 0, else the status of the last that did not), and logs them; fails the test as
# lab_guard does.
lab_guard_together() {
  local n=$1
  shift
  RC=0
  OUT=$(lab_sh 'n=$1 rc=0
    pids=()
    shift
    for ((i = 0; i < n; i++)); do timeout 90 docker-firewall-guard "$@" & pids+=($!); done
    for pid in "${pids[@]}"; do wait "$pid" || rc=$?; done
    exit "$rc"' "$n" "$@") || RC=$?
  lab_log "$n times docker-firewall-guard $* at once: exit $RC: ${OUT//$'\n'/ | }"
  lab__guard_ended "$@"
}

# ---------------------------------------------------------------------------------------------
# Strategy reconcile, and what hooks into the firewall beside it

# lab_guard_reconcile FIREWALL_UNIT...: the command and the generator built for LAB_GEN
# installed with strategy reconcile, and the companions of each firewall unit started, as the
# package does after installing.
lab_guard_reconcile() {
  local unit
  lab_sh 'printf "%s\n" "[guard]" "strategy = reconcile" >/etc/docker-firewall-guard.conf'
  lab_install_cli
  lab_install_generator
  for unit in "$@"; do
    lab_exec systemctl start "docker-firewall-guard-before-$unit" "docker-firewall-guard-after-$unit"
  done
}

# lab_fail2ban_start: the fail2ban-like unit (fixtures/fail2ban.service) installed and started.
lab_fail2ban_start() {
  lab_copy_in "$LAB_DIR/fixtures/lab-f2b" /usr/local/libexec/lab-f2b
  lab_copy_in "$LAB_DIR/fixtures/fail2ban.service" /etc/systemd/system/fail2ban.service
  lab_exec chmod 0755 /usr/local/libexec/lab-f2b
  lab_exec systemctl daemon-reload
  lab_exec systemctl start fail2ban.service
}

# How many jumps to fail2ban's chain DOCKER-USER holds, and whether its ban is there (prints
# "JUMPS BAN", BAN 1 or 0); nothing, failing, when iptables cannot list.
lab_fail2ban_state() {
  local rules
  rules=$(lab_exec iptables-save -t filter) || return 1
  awk '/^-A DOCKER-USER .*-j f2b-lab$/ { jumps++ }
    /^-A f2b-lab -s 203.0.113.7\/32 -j REJECT/ { ban = 1 }
    END { printf "%d %d\n", jumps, ban }' <<<"$rules"
}

# lab_jobs_done: systemd has no job queued or running.
lab_jobs_done() { [[ -z $(lab_exec systemctl list-jobs --no-legend) ]]; }

# lab_record_docker DIR: what the unit tests read of the host's Docker, into DIR: dockerd's
# answers to GET /containers/json and GET /networks (over its socket, with the host's python3,
# indented for readable diffs), and iptables-save and ip6tables-save without comment lines.
lab_record_docker() {
  local get='import http.client, json, socket, sys
class Unix(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect("/run/docker.sock")
c = Unix("docker")
c.request("GET", sys.argv[1])
r = c.getresponse()
assert r.status == 200, r.status
print(json.dumps(json.loads(r.read()), indent=1, sort_keys=True))'
  mkdir -p "$1"
  lab_exec python3 -c "$get" /containers/json >"$1/containers.json"
  lab_exec python3 -c "$get" /networks >"$1/networks.json"
  lab_exec iptables-save | sed '/^#/d' >"$1/iptables-save"
  lab_exec ip6tables-save | sed '/^#/d' >"$1/ip6tables-save"
}
