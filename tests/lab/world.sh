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

LAB_OUTSIDE_IP=198.51.100.2 # the "outside" server; the host's end of the veth is .1
LAB_WEB=web                 # the web container's name
LAB_WEB_MARK=lab-web-ok     # what the web container serves
LAB_OUTSIDE_MARK=lab-outside-ok

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

# lab_firewall_install FW [VERSION]: installs FW's stand-in (default: the older version) and
# enables and starts its unit.
lab_firewall_install() {
  local fw=$1 version=${2:-${LAB_FW_OLD[$1]}}
  lab_dnf install "${LAB_FW_PACKAGE[$fw]}-$version"
  lab_exec systemctl enable --now "$fw.service"
  lab_expect_eq "$fw.service active" active "$(lab_exec systemctl is-active "$fw.service")"
}

# lab_firewall_event FW EVENT: what the tests do to the firewall.
#   restart  systemctl restart FW.service
#   upgrade  dnf upgrade of FW's package to the newer version (its old %postun restarts FW)
lab_firewall_event() {
  local fw=$1 event=$2 package=${LAB_FW_PACKAGE[$1]:?unknown firewall $1}
  case $event in
    restart) lab_exec systemctl restart "$fw.service" ;;
    upgrade)
      lab_dnf upgrade "$package"
      lab_expect_eq "$package upgraded" "${LAB_FW_NEW[$fw]}" "$(lab_rpm_version "$package")" ;;
    *) lab_die "unknown firewall event $event" ;;
  esac
}

# lab_iptables_restart: restarts iptables.service at least 2.6 s after this helper last did,
# so that a test never hits the firewall's own start limit (5 starts in 10 s).
LAB_IPTABLES_RESTARTED=0
lab_iptables_restart() {
  sleep "$(awk -v last="$LAB_IPTABLES_RESTARTED" -v now="$(date +%s.%N)" \
    'BEGIN { w = last + 2.6 - now; print (w > 0 ? w : 0) }')"
  lab_exec systemctl restart iptables.service
  LAB_IPTABLES_RESTARTED=$(date +%s.%N)
}

# lab_docker_restart: restarts the inner dockerd and waits for its API. Used at setup too:
# Docker must add its rules after the firewall loaded its own, as on a booted EL host.
lab_docker_restart() {
  lab_exec systemctl restart docker.service
  lab_wait_for 60 "inner dockerd answers" lab_exec docker info -f '{{.Driver}}' >/dev/null
}

# A private namespace "outside" on a veth pair (198.51.100.0/24, never the machine's LAN) with
# an HTTP server; the host routes the containers' traffic to it.
lab_outside_setup() {
  lab_sh '
    ip netns add outside
    ip link add lab-out type veth peer name lab-in
    ip link set lab-in netns outside
    ip addr add 198.51.100.1/24 dev lab-out
    ip link set lab-out up
    ip -n outside addr add "$1/24" dev lab-in
    ip -n outside link set lab-in up
    ip -n outside link set lo up
    mkdir -p /srv/outside
    echo "$2" >/srv/outside/index.html
    systemd-run --quiet --unit lab-outside-http -p NetworkNamespacePath=/run/netns/outside \
      /bin/busybox httpd -f -p 80 -h /srv/outside' "$LAB_OUTSIDE_IP" "$LAB_OUTSIDE_MARK"
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

# lab_world_up FW: a host with FW's stand-in (older version) enabled, Docker started after it,
# the outside namespace and the web container; checks the starting point of every test.
lab_world_up() {
  local fw=$1
  lab_outside_setup
  lab_repo_setup
  lab_firewall_install "$fw"
  lab_docker_restart
  lab_busybox_image
  lab_web_run
  lab_wait_for 30 "container reaches outside" lab_reaches_outside
}

# ---------------------------------------------------------------------------------------------
# Probes: each answers one question with its exit status (or prints a number).

# lab__http_ok WHERE ADDRESS PORT MARK: an HTTP GET with busybox nc from WHERE ("host" or the
# web container) gets a page containing MARK. (busybox wget crashes in such an image.)
lab__http_ok() {
  local where=$1 address=$2 port=$3 mark=$4 out
  local get='printf "GET / HTTP/1.0\r\n\r\n" | busybox nc -w 3 "$0" "$1"'
  if [[ $where == host ]]; then
    out=$(lab_exec sh -c "$get" "$address" "$port" 2>&1) || true
  else
    out=$(lab_exec docker exec "$where" sh -c "$get" "$address" "$port" 2>&1) || true
  fi
  [[ $out == *"$mark"* ]] && return 0
  lab_log "probe from $where to $address:$port: ${out:-no answer}"
  return 1
}

# Does the published port answer (from the host, through docker-proxy or DNAT)?
lab_port_answers() { lab__http_ok host 127.0.0.1 8080 "$LAB_WEB_MARK"; }

# Can the web container reach the outside server (forwarding and NAT through the host)?
lab_reaches_outside() { lab__http_ok "$LAB_WEB" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"; }

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

# lab_outage FROM TO: the longest stretch between two prompt connections (done within 0.3 s) that
# began in [FROM, TO], FROM and TO included as bounds.
lab_outage() {
  { echo "$1"; lab_exec docker exec probe cat /probe.log |
    awk -v from="$1" -v to="$2" '$3 == "ok" && $2 - $1 <= 0.3 && $1 >= from && $1 <= to { print $1 }'
    echo "$2"; } | sort -n |
    awk 'NR > 1 && $1 - last > gap { gap = $1 - last } { last = $1 } END { printf "%.2f\n", gap }'
}

# lab_measure NAME STRATEGY PROGRAM ARGS...: runs a firewall or package command in the host,
# timed there, waits until the web container reaches outside again, and measures what users
# felt: dockerd starts, whether the web container restarted, the command's time and the
# longest stretch the prober (lab_prober_start) had no connection. Sets the array
# LAB_MEASURED=(NAME STRATEGY STARTS RESTARTED(0|1) COMMAND_S OUTAGE_S) and appends it to
# LAB_MEASURED_TSV (with a header when new), if set. Lines the command printed about the
# guard are shown.
lab_measure() {
  local name=$1 strategy=$2 starts web output start end recovered gap command_s restarted=0
  shift 2
  starts=$(lab_dockerd_starts) web=$(lab_exec docker inspect -f '{{.State.StartedAt}}' "$LAB_WEB")
  output=$(lab_sh 'a=$(cut -d" " -f1 /proc/uptime); "$@" 2>&1; b=$(cut -d" " -f1 /proc/uptime)
    echo "times $a $b"' "$@")
  { grep 'docker-firewall-guard' <<<"$output" || true; } |
    while read -r line; do lab_log "$name: said: $line"; done
  read -r _ start end < <(grep '^times ' <<<"$output")
  lab_wait_for 90 "$name: container reaches outside" lab_reaches_outside
  recovered=$(lab_uptime)
  sleep 1.5 # the probes after it
  starts=$(($(lab_dockerd_starts) - starts))
  [[ $web == "$(lab_exec docker inspect -f '{{.State.StartedAt}}' "$LAB_WEB")" ]] || restarted=1
  command_s=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
  gap=$(lab_outage "$(awk -v a="$start" 'BEGIN { print a - 1 }')" \
    "$(awk -v b="$recovered" 'BEGIN { print b + 1.5 }')")
  LAB_MEASURED=("$name" "$strategy" "$starts" "$restarted" "$command_s" "$gap")
  lab_log "$name ($strategy): dockerd starts $starts, container restarted $restarted, command $command_s s, longest stretch without a connection $gap s"
  if [[ -n ${LAB_MEASURED_TSV:-} ]]; then
    mkdir -p "$(dirname "$LAB_MEASURED_TSV")"
    [[ -s $LAB_MEASURED_TSV ]] ||
      printf 'event\tstrategy\tdockerd starts\tcontainer restarted\tcommand s\toutage s\n' >"$LAB_MEASURED_TSV"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "${LAB_MEASURED[@]}" >>"$LAB_MEASURED_TSV"
  fi
}

# How many times did docker.service start in this boot (systemd's "Started" entries)?
lab_dockerd_starts() {
  lab_exec journalctl -b -q -o cat UNIT=docker.service \
    MESSAGE_ID=39f53479d3a045ac8e11786248231fbf | wc -l
}

# How many times did the web container start (its own count, restart policy or not)?
lab_web_starts() { lab_exec docker exec "$LAB_WEB" sh -c 'wc -l </starts'; }

# Docker's RestartCount of the web container (restarts by its restart policy only).
lab_web_restart_count() { lab_exec docker inspect -f '{{.RestartCount}}' "$LAB_WEB"; }

# Are Docker's rules in place (its MASQUERADE for the default bridge)? Works for both
# firewalls: the inner iptables is iptables-nft, so it sees what nft did too.
lab_docker_rules_present() {
  lab_exec iptables -w -t nat -C POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE 2>/dev/null
}

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
