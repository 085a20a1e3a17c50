#!/usr/bin/env bash
# Where a cut's time goes under strategy reconcile: iptables.service (EL 8's, on iptables-nft)
# restarted, reloaded, stopped and started in a lab host, with `nft monitor` stamping every
# commit on the host's monotonic clock and each restore's journal entry (its *_MS steps, when it
# was sent). Per cut, from the commit that took Docker's MASQUERADE rule away (the stop's
# `-t nat -F`, the start's load of a file that names *nat) to the commit that put it back:
#   last commit  the firewall's own last commit before the restore began (its commands after
#                the flush: -X, or the rest of its file)
#   began     the restore process's start (its first code after the dynamic loader): the
#             firewall's commands that commit nothing, its exit, systemd starting the job's next
#             command, and loading the binary came in between
#   ready     the process's setup (configuration, systemd's answers, the restore lock)
#   ask       dockerd's answers and the fit of the snapshot to them
#   save      iptables-save;  write  iptables-restore, until the rule was committed
# and the prober's longest stretch without a prompt connection for the event (as strategies.sh).
#
# Usage: bench/cut-steps.sh [BUILD_DIR]   (default: build; the lab image and build of each
#        generation must exist). GENS="bookworm trixie forky" (default: all three),
#        LAB_RULES=admin (default; or stock: the start then loads filter alone). About 1.5
#        minutes a generation. SCALE=CONTAINERS/PORTS/NETWORKS (say 200/2000/20) adds that
#        many containers publishing that many ports in all on that many networks, with
#        "userland-proxy": false (2,000 docker-proxy processes would not fit), beside the web
#        container; a few minutes more.
set -euo pipefail
cd "$(dirname "$0")/.."

# scale_up CONTAINERS PORTS NETWORKS: the containers, in one shell of the host; container i on
# network (i-1)%N+1, its share of the ports published from 20000 on to its ports from 80.
scale_up() {
  local net
  for ((net = 1; net <= $3; net++)); do
    lab_exec docker network create --subnet "10.90.$net.0/24" "scale$net" >/dev/null
  done
  lab_sh 'count=$1 ports=$2 n=$3 port=20000
    for ((i = 1; i <= count; i++)); do
      published=()
      for ((k = 0; k < ports / count + (i <= ports % count ? 1 : 0); k++)); do
        published+=(-p "$port:$((80 + k))"); port=$((port + 1))
      done
      docker run -d --name "s$i" --network "scale$(((i - 1) % n + 1))" "${published[@]}" lab/busybox         sh -c "trap \"exit 0\" TERM; while :; do sleep 1; done" >/dev/null
    done' "$@"
}

if [[ ${1:-} == --in-lab ]]; then
  source tests/lab/lib.sh
  source tests/lab/configs.sh
  out=$2
  lab_init
  lab_host_boot
  [[ -z ${SCALE:-} ]] || lab_config_daemon_json userland-proxy-off
  lab_world_up iptables
  if [[ -n ${SCALE:-} ]]; then
    IFS=/ read -r containers ports networks <<<"$SCALE"
    scale_up "$containers" "$ports" "$networks"
    lab_log "scale: $(lab_exec docker ps -q | wc -l) containers running"
  fi
  lab_sh 'printf "%s\n" "[guard]" "strategy = reconcile" >/etc/docker-firewall-guard.conf'
  lab_install_cli
  lab_install_generator
  lab_exec systemctl start docker-firewall-guard-before-iptables.service \
    docker-firewall-guard-after-iptables.service
  # Every commit, stamped as it comes (CLOCK_MONOTONIC, as the journal's).
  # shellcheck disable=SC2016 # the host's shell expands it
  lab_sh 'systemd-run --quiet --unit lab-nft-monitor -p StandardOutput=file:/srv/nft-monitor.log \
    /usr/bin/python3 -u -c "$1"' 'import subprocess, time
monitor = subprocess.Popen(["nft", "monitor"], stdout=subprocess.PIPE)
for line in monitor.stdout:
    print("%.6f %s" % (time.monotonic(), line.decode().rstrip()), flush=True)'
  lab_prober_start
  sleep 1
  : >"$out.events"
  for event in restart restart restart restart restart reload stop start; do
    lab_event_time systemctl "$event" iptables.service
    lab_wait_for 20 "$event: the web container reaches outside" lab_reaches_outside
    lab_event_cut "$(lab_uptime)"
    printf '%s\t%s\t%s\t%s\t%s\n' "$event" "$LAB_EVENT_START" "$LAB_EVENT_END" \
      "$LAB_EVENT_COMMAND_S" "$LAB_EVENT_OUTAGE" >>"$out.events"
  done
  lab_exec systemctl stop lab-nft-monitor.service
  lab_exec cat /srv/nft-monitor.log >"$out.monitor"
  lab_exec journalctl -b -q -o json MESSAGE_ID="$LAB_RESTORE_MESSAGE_ID" ACTION=restored >"$out.journal"
  exit 0
fi

LAB_BUILD_DIR=$(realpath "${1:-build}")
export LAB_BUILD_DIR LAB_RULES=${LAB_RULES:-admin}
bash tests/lab/engine.sh up >&2
trap 'bash tests/lab/engine.sh cleanup >&2' EXIT
echo "| generation | event | firewall command (s) | longest stretch (s) | cut | last commit (ms) | began (ms) | ready | ask | save | write | cut (ms) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for gen in ${GENS:-bookworm trixie forky}; do
  out=$LAB_BUILD_DIR/lab/$gen/cut-steps-$LAB_RULES${SCALE:+-${SCALE//\//-}}
  mkdir -p "$(dirname "$out")"
  echo "== $gen" >&2
  LAB_GEN=$gen bash tests/lab/run-test.sh "bench.$gen.cut-steps" bash bench/cut-steps.sh --in-lab "$out" \
    >/dev/null 2>&1 || { echo "   failed: see $LAB_BUILD_DIR/lab-artifacts/bench.$gen.cut-steps" >&2; continue; }
  python3 - "$gen" "$out" <<'EOF'
import json, sys
gen, out = sys.argv[1], sys.argv[2]
events = [line.rstrip("\n").split("\t") for line in open(out + ".events")]
# Commits of nat that took Docker's MASQUERADE away or put it back, in order.
changes, pending, commits = [], [], []
for line in open(out + ".monitor"):
    stamp, text = line.split(" ", 1)
    text = text.strip()
    if text.startswith("# new generation"):  # after the changes it commits
        commits.append(float(stamp))
        if pending:
            changes.append((float(stamp), pending))
        pending = []
    else:
        pending.append(text)
def masquerade_added(lines):
    return any(l.startswith(("add rule ip nat POSTROUTING", "insert rule ip nat POSTROUTING"))
               and "172.17.0.0/16" in l and "masquerade" in l for l in lines)
def masquerade_removed(lines):
    return any(l.startswith("delete rule ip nat POSTROUTING") or l == "delete table ip nat" for l in lines)
restores = []
for line in open(out + ".journal"):
    entry = json.loads(line)
    sent = int(entry["__MONOTONIC_TIMESTAMP"]) / 1e6
    began = sent - float(entry.get("DURATION_MS", "0")) / 1000
    restores.append((began, entry))
cuts, since = [], None
for stamp, lines in changes:
    if since is None and masquerade_removed(lines) and not masquerade_added(lines):
        since = stamp
    elif since is not None and masquerade_added(lines):
        cuts.append((since, stamp))
        since = None
for name, start, end, command, stretch in events:
    start, end = float(start), float(end)
    mine = [c for c in cuts if start - 0.05 <= c[0] <= end + 0.5]
    if not mine:
        print(f"| {gen} | {name} | {command} | {stretch} | none | | | | | | | |")
    for i, (begin, back) in enumerate(mine):
        near = [r for r in restores if begin - 0.01 <= r[0] <= back]
        if not near:
            print(f"| {gen} | {name} | {command} | {stretch} | {i + 1} | | | | | | | {1000 * (back - begin):.1f} |")
            continue
        began, entry = near[-1]
        last = max([c for c in commits if begin <= c < began], default=begin)
        f = lambda key: entry.get(key, "-")
        print(f"| {gen} | {name} | {command} | {stretch} | {i + 1} | {1000 * (last - begin):.1f} | {1000 * (began - begin):.1f} | "
              f"{f('READY_MS')} | {f('ASK_MS')} | {f('SAVE_MS')} | {f('WRITE_MS')} | {1000 * (back - begin):.1f} |")
EOF
done
