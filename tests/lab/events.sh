# shellcheck shell=bash
# One firewall event as users meet it, timed and checked (sourced by strategy-events.sh and
# debian-firewalls.sh, after lib.sh). The caller sets: strict (1: strategy reconcile, asserted;
# 0: recorded only), recovery_wait (s, when not strict), tsv (the figures' file), flavour,
# strategy and live_restore (its columns), and runs app_up beside the web container.
# shellcheck disable=SC2154 # the caller's, as said above
reaches_outside_from() { lab__http_ok "$1" "$LAB_OUTSIDE_IP" 80 "$LAB_OUTSIDE_MARK"; }
app_port_answers() { lab_port_answers_outside 8090; }
# app_up: the "app" container, on a network of its own (10.77.0.0/24) with port 8090 published
# and no restart policy, reaching outside; sets app_started, which event checks.
app_up() {
  lab_exec docker network create --subnet 10.77.0.0/24 appnet >/dev/null
  lab_exec docker run -d --name app --network appnet -p 8090:80 lab/busybox \
    sh -c 'trap "exit 0" TERM; httpd -f -p 80 -h /www & wait' >/dev/null
  lab_wait_for 30 "app's port answers" app_port_answers
  lab_wait_for 30 "app reaches outside" reaches_outside_from app
  app_started=$(lab_started_at app)
}
# wait_until SECONDS CMD...: like lab_wait_for, but returns non-zero instead of failing.
wait_until() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# event NAME COMMAND...: runs the firewall event in the host, timed there and paced
# (lab_event_time), then checks or records.
event() {
  local name=$1 gap starts web failed restarted=0 recovered by_hand=0
  local udp_stuck udp_slowest tcp_stuck tcp_slowest tcp_refused unnat
  shift
  starts=$(lab_dockerd_starts)
  web=$(lab_started_at "$LAB_WEB")
  failed=$(lab_docker_failures)
  lab_event_time "$@"
  if ((strict)); then
    lab_wait_for 20 "$name: web reaches outside" reaches_outside_from "$LAB_WEB"
    lab_wait_for 20 "$name: app reaches outside" reaches_outside_from app
    lab_expect "$name: web's port answers" lab_port_answers
    lab_expect "$name: app's port answers" app_port_answers
    lab_expect "$name: Docker's rules present" lab_docker_rules_present
    lab_expect_eq "$name: dockerd started 0 times" "$starts" "$(lab_dockerd_starts)"
    lab_expect_eq "$name: web not restarted" "$web" "$(lab_started_at "$LAB_WEB")"
    lab_expect_eq "$name: app not restarted" "$app_started" "$(lab_started_at app)"
    lab_expect_eq "$name: docker.service active" active "$(lab_exec systemctl is-active docker.service)"
    recovered=$LAB_EVENT_END
  else
    # What the strategy left: Docker stopped, or running without its rules, is restarted by hand.
    # Docker's own restart (requires, partof) takes up to 15 s; under none nothing comes.
    if ! wait_until "$recovery_wait" reaches_outside_from "$LAB_WEB"; then
      lab_log "$name: the web container is cut off, Docker $(lab_exec systemctl is-active docker.service || true): restarting it by hand"
      by_hand=1
      lab_exec systemctl reset-failed docker.service || true
      lab_exec systemctl restart docker.service
      lab_wait_for 60 "$name: web reaches outside after starting Docker by hand" reaches_outside_from "$LAB_WEB"
    fi
    recovered=$(lab_uptime)
  fi
  lab_event_cut "$recovered"
  lab_flows_wait "$LAB_EVENT_END"
  read -r udp_stuck udp_slowest tcp_stuck tcp_slowest tcp_refused unnat <<<"$(lab_flows "$LAB_EVENT_START" "$LAB_EVENT_END")"
  if ((strict)); then
    lab_expect_eq "$name: no UDP flow begun during it stuck" 0 "$udp_stuck"
    lab_expect_eq "$name: no TCP connection begun during it stuck" 0 "$tcp_stuck"
  fi
  gap=$LAB_EVENT_OUTAGE
  [[ $web == "$(lab_started_at "$LAB_WEB")" ]] || restarted=1
  ((strict || !by_hand)) || gap="until Docker is restarted by hand"
  starts=$(($(lab_dockerd_starts) - starts))
  failed=$(($(lab_docker_failures) - failed))
  lab_log "$name: firewall command $LAB_EVENT_COMMAND_S s, longest stretch without a connection ${gap} s, dockerd starts $starts, web restarted $restarted, docker failed $failed; flows begun during it: UDP $udp_stuck stuck, last answer ${udp_slowest} s after its end; TCP $tcp_stuck stuck, $tcp_refused refused, last ${tcp_slowest} s after; $unnat datagrams reached outside untranslated"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$LAB_GEN" "$flavour" "$name" "$strategy" \
    "$live_restore" "$LAB_EVENT_COMMAND_S" "$gap" "$starts" "$restarted" "$failed" \
    "$udp_stuck" "$udp_slowest" "$tcp_stuck" "$tcp_slowest" "$unnat" "$tcp_refused" >>"$tsv"
}
