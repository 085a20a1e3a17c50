#include "snapshot.h"

#include "docker_view.h"
#include "fs.h"
#include "plan.h"
#include "runtime_dir.h"
#include "subcommands.h"
#include "unit_name.h"

namespace dfg {
namespace {

constexpr auto save_timeout = std::chrono::seconds(10);

}  // namespace

Expected<Ruleset> save_family(ProcessRunner& runner, const std::string& family) {
  const std::string save = family == "IPv6" ? "ip6tables-save" : "iptables-save";
  const auto run = runner.run({save}, save_timeout);
  if (!run.started || run.timed_out || run.exit_code != 0)
    return fail(save + ": " + failure_reason(run));
  auto parsed = parse_ruleset(run.out);
  if (!parsed) return fail(save + " output, " + parsed.error());
  return parsed;
}

std::string snapshot_path(std::string_view root, const std::string& firewall) {
  return join_root(root, std::string(runtime::snapshot_dir) + "/" + firewall);
}

ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed) {
  if (firewall == "iptables.service") managed.ipv6 = false;
  if (firewall == "ip6tables.service") managed.ipv4 = false;
  return managed;
}

Expected<Snapshot> take_snapshot(ProcessRunner& runner, ManagedFamilies families, Snapshot stamp,
                                 const Snapshot* earlier) {
  stamp.families.clear();
  for (const char* family : {"IPv4", "IPv6"}) {
    if (!(family == std::string_view("IPv4") ? families.ipv4 : families.ipv6)) continue;
    auto all = save_family(runner, family);
    if (!all) return fail(all);
    auto part = docker_part(all.value());
    if (earlier != nullptr)
      for (const auto& [earlier_family, rules] : earlier->families)
        if (earlier_family == family) keep_places(part, all.value(), rules);
    stamp.families.emplace_back(family, std::move(part));
  }
  return stamp;
}

ManagedFamilies present_families(const CanaryResult& rules) {
  ManagedFamilies present{false, false};
  for (const auto& family : rules.families) {
    if (family.state != RulesState::Present) continue;
    (family.family == "IPv6" ? present.ipv6 : present.ipv4) = true;
  }
  return present;
}

Expected<ManagedFamilies> companion_families(HostView& view, const std::string& firewall) {
  if (const auto& why = view.refusal(); !why.empty()) return fail(why);
  const auto systemd = view.systemd();
  if (!systemd) return fail(systemd);
  if (const auto state = systemd.value()->system_state(); state && state.value() == "stopping")
    return fail("the system is shutting down");
  const auto& docker = view.docker_unit();
  if (!docker) return fail(docker);
  if (docker.value().active_state != "active" || docker.value().main_pid == 0)
    return fail(view.service() + " is not running (" + docker.value().active_state + ")");
  view.warn_about_docker_settings();
  const auto families = families_flushed_by(firewall, view.families());
  if (!families.ipv4 && !families.ipv6)
    return fail("Docker manages no rules that " + firewall + " flushes");
  return families;
}

ExitStatus refuse_firewall_name(HostView& view, const std::string& firewall) {
  view.host().err << "docker-firewall-guard: --firewall " << firewall << ": "
                  << unit_name_problem(firewall) << "\n";
  return ExitStatus::Usage;
}

ExitStatus run_snapshot(HostView& view, const std::string& firewall, bool before_stop) {
  if (!is_valid_unit_name(firewall)) return refuse_firewall_name(view, firewall);
  auto& host = view.host();
  const auto families = companion_families(view, firewall);
  if (!families) {
    host.out << "snapshot: nothing saved: " << families.error() << "\n";
    return ExitStatus::Ok;
  }
  view.arm_deadline();
  auto& systemd = *view.systemd().value();
  const auto& docker = view.docker_unit().value();
  // Only a snapshot that something will put back in this cycle is taken: before a stop, the
  // firewall's own stop (or restart) must be pending, not past (a restart's companion may
  // stop after the firewall already loaded its file, which may hold stale copies of Docker's
  // rules); otherwise the after-unit must be running or about to start.
  const auto after = companions_of(firewall).after;
  const auto watched = systemd.unit(before_stop ? firewall : after);
  const auto job = watched ? watched.value().job_type : std::string();
  const bool due = before_stop
                       ? watched && watched.value().active_state == "active" &&
                             (job == "stop" || job == "restart")
                       : watched && (watched.value().active_state == "active" || !job.empty());
  if (!due) {
    host.out << "snapshot: nothing saved: "
             << (before_stop ? firewall + " is not about to stop"
                             : after + " is not running, so nothing would put it back")
             << "\n";
    return ExitStatus::Ok;
  }
  // Rules already gone (a restart's second half, or someone flushed them): keep whatever
  // this cycle saved before, never overwrite it with less. A family whose rules Docker never
  // set up (it says it manages IPv6, but could not), or that cannot be checked, keeps nothing
  // of the other from being saved.
  const auto rules = check_docker_rules(host.runner, families.value());
  const auto present = present_families(rules);
  const bool some_gone = rules.overall() != RulesState::Present;
  if ((!present.ipv4 && !present.ipv6) ||
      (some_gone && entry_exists(snapshot_path(host.root, firewall)))) {
    host.out << "snapshot: nothing saved: Docker's rules are not all there (" << describe(rules)
             << ")\n";
    return ExitStatus::Ok;
  }
  const auto start = host.processes.start_time(docker.main_pid);
  if (!start) {
    host.out << "snapshot: nothing saved: " << start.error() << "\n";
    return ExitStatus::Unknown;
  }
  Snapshot stamp;
  stamp.firewall = firewall;
  stamp.dockerd_pid = docker.main_pid;
  stamp.dockerd_start = start.value();
  stamp.taken_ms = host.clock.boot_ms();
  // What dockerd holds, asked before the rules are read: a container started in between has
  // rules but is new to the answer, so the restore checks them instead of trusting them.
  const auto held = ask_docker(host.docker, view.docker_socket(), docker_api_timeout);
  if (held) stamp.held = render_view(held.value());
  // The cycle's snapshot before this one (a restart's stop saved it and put it back), for
  // the places of Docker's rules among the firewall's, which are away until its start.
  const auto path = snapshot_path(host.root, firewall);
  const auto earlier_text = read_file(path, max_snapshot_size);
  const auto earlier =
      earlier_text ? parse_snapshot(earlier_text.value()) : Expected<Snapshot>(fail(earlier_text));
  const auto snapshot =
      take_snapshot(host.runner, present, stamp, earlier ? &earlier.value() : nullptr);
  std::size_t count = 0;
  Expected<Ok> written = fail("");
  if (snapshot) {
    for (const auto& [family, ruleset] : snapshot.value().families)
      for (const auto& table : ruleset.tables) count += table.rules.size();
    const auto dir = join_root(host.root, runtime::snapshot_dir);
    written = make_directory(join_root(host.root, runtime::dir), runtime::dir_mode);
    if (written) written = make_directory(dir, 0700);
    const auto text = render_snapshot(snapshot.value());
    if (written && text.size() > max_snapshot_size)
      written = fail("Docker's part is " + std::to_string(text.size()) +
                     " bytes, more than a snapshot holds");
    if (written) written = write_file_atomic(dir, firewall, text, 0600);
  }
  if (!snapshot || !written) {
    host.out << "snapshot: nothing saved: " << (snapshot ? written.error() : snapshot.error())
             << "\n";
    return ExitStatus::Unknown;
  }
  host.out << "snapshot: saved Docker's " << count << " rules before " << firewall
           << " flushes them" << (some_gone ? " (" + describe(rules) + ")" : "")
           << (held ? ""
                    : "; without what dockerd holds (" + held.error() +
                          "): the restore judges by its answer then alone")
           << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
