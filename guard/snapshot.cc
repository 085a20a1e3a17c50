// The `snapshot` subcommand (subcommands.h): Docker's part of the rules, saved just before a
// firewall unit's event flushes them.

#include "canary.h"
#include "docker_view.h"
#include "event_preconditions.h"
#include "fs.h"
#include "plan.h"
#include "runtime_dir.h"
#include "snapshot_file.h"
#include "subcommands.h"
#include "tables.h"
#include "unit_name.h"

namespace dfg {
namespace {

/// Docker's part of the live tables of each family in `families`, stamped with the rest of
/// `stamp`; its rules keep the places they had in `earlier` (the cycle's snapshot before,
/// when there is one) where the firewall's own rules are away (keep_places).
Expected<Snapshot> take_snapshot(ProcessRunner& runner, ManagedFamilies families, Snapshot stamp,
                                 const Snapshot* earlier) {
  stamp.families.clear();
  for (const auto family : all_families) {
    if (!families.has(family)) continue;
    auto all = save_tables(runner, family);
    if (!all) return fail(all);
    auto part = docker_part(all.value());
    if (earlier != nullptr)
      for (const auto& [earlier_family, rules] : earlier->families)
        if (earlier_family == family) keep_places(part, all.value(), rules);
    stamp.families.emplace_back(family, std::move(part));
  }
  return stamp;
}

/// Why no snapshot is due, or "". Only a snapshot that something will put back in this cycle
/// is taken: before a stop, the firewall's own stop (or restart) must be pending, not past (a
/// restart's companion may stop after the firewall already loaded its file, which may hold
/// stale copies of Docker's rules); otherwise the after-unit must be running or about to start.
std::string why_not_due(Systemd& systemd, const std::string& firewall, bool before_stop) {
  const auto after = companions_of(firewall).after;
  const auto watched = systemd.unit(before_stop ? firewall : after);
  const auto job = watched ? watched.value().job_type : std::string();
  const bool due = before_stop
                       ? watched && watched.value().active_state == "active" &&
                             (job == "stop" || job == "restart")
                       : watched && (watched.value().active_state == "active" || !job.empty());
  if (due) return {};
  return before_stop ? firewall + " is not about to stop"
                     : after + " is not running, so nothing would put it back";
}

/// The cycle's snapshot before this one (a restart's stop saved it and put it back), for the
/// places of Docker's rules among the firewall's, which are away until its start.
Expected<Snapshot> earlier_snapshot(const std::string& path) {
  const auto text = read_file(path, max_snapshot_size);
  if (!text) return fail(text);
  return parse_snapshot(text.value());
}

/// Writes `snapshot` as `firewall`'s file in runtime::snapshot_dir under `root`, made when
/// missing.
Expected<Ok> write_snapshot(const std::string& root, const std::string& firewall,
                            const Snapshot& snapshot) {
  const auto dir = join_root(root, runtime::snapshot_dir);
  auto made = make_directory(join_root(root, runtime::dir), runtime::dir_mode);
  if (made) made = make_directory(dir, 0700);
  if (!made) return made;
  const auto text = render_snapshot(snapshot);
  if (text.size() > max_snapshot_size)
    return fail("Docker's part is " + std::to_string(text.size()) +
                " bytes, more than a snapshot holds");
  return write_file_atomic(dir, firewall, text, 0600);
}

std::size_t rule_count(const Snapshot& snapshot) {
  std::size_t count = 0;
  for (const auto& [family, ruleset] : snapshot.families)
    for (const auto& table : ruleset.tables) count += table.rules.size();
  return count;
}

ExitStatus nothing_saved(Host& host, const std::string& why, ExitStatus status) {
  host.out << "snapshot: nothing saved: " << why << "\n";
  return status;
}

}  // namespace

ExitStatus run_snapshot(HostView& view, const std::string& firewall, bool before_stop) {
  if (!is_valid_unit_name(firewall)) return refuse_firewall_name(view, firewall);
  auto& host = view.host();
  const auto families = event_families(view, firewall);
  if (!families) return nothing_saved(host, families.error(), ExitStatus::Ok);
  view.arm_deadline();
  const auto& docker = view.docker_unit().value();
  if (const auto why = why_not_due(*view.systemd().value(), firewall, before_stop); !why.empty())
    return nothing_saved(host, why, ExitStatus::Ok);
  // Rules already gone (a restart's second half, or someone flushed them): keep whatever
  // this cycle saved before, never overwrite it with less. A family whose rules Docker never
  // set up (it says it manages IPv6, but could not), or that cannot be checked, keeps nothing
  // of the other from being saved.
  const auto rules = check_docker_rules(host.runner, families.value());
  const auto present = present_families(rules);
  const bool some_gone = rules.overall() != RulesState::Present;
  const auto path = snapshot_path(host.root, firewall);
  if (present.none() || (some_gone && entry_exists(path)))
    return nothing_saved(host, "Docker's rules are not all there (" + describe(rules) + ")",
                         ExitStatus::Ok);
  const auto start = host.processes.start_time(docker.main_pid);
  if (!start) return nothing_saved(host, start.error(), ExitStatus::Unknown);
  Snapshot stamp;
  stamp.firewall = firewall;
  stamp.dockerd_pid = docker.main_pid;
  stamp.dockerd_start = start.value();
  stamp.taken_ms = host.clock.boot_ms();
  // What dockerd holds, asked before the rules are read: a container started in between has
  // rules but is new to the answer, so the restore checks them instead of trusting them.
  const auto held = ask_docker(host.docker, view.docker_socket(), docker_api_timeout);
  if (held) stamp.held = render_view(held.value());
  const auto earlier = earlier_snapshot(path);
  const auto snapshot =
      take_snapshot(host.runner, present, stamp, earlier ? &earlier.value() : nullptr);
  if (!snapshot) return nothing_saved(host, snapshot.error(), ExitStatus::Unknown);
  if (const auto written = write_snapshot(host.root, firewall, snapshot.value()); !written)
    return nothing_saved(host, written.error(), ExitStatus::Unknown);
  host.out << "snapshot: saved Docker's " << rule_count(snapshot.value()) << " rules before "
           << firewall << " flushes them" << (some_gone ? " (" + describe(rules) + ")" : "")
           << (held ? ""
                    : "; without what dockerd holds (" + held.error() +
                          "): the restore judges by its answer then alone")
           << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
