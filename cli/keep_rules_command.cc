// `snapshot` and `restore`: what the companion units of the `reconcile` strategy run around
// each firewall event (see docker-firewall-guard.conf(5) and DESIGN.md).
#include <unistd.h>

#include <memory>

#include "canary.h"
#include "commands.h"
#include "config.h"
#include "docker_runtime.h"
#include "fs.h"
#include "host_checks.h"
#include "journal.h"
#include "keep_rules.h"
#include "plan.h"
#include "reconcile.h"
#include "run_lock.h"
#include "unit_name.h"

namespace dfg {
namespace {

/// What both commands know before they act: the config, systemd, the guarded Docker
/// service, and the families the firewall's event flushes.
struct Scene {
  LoadedConfig loaded;
  std::unique_ptr<Systemd> systemd;
  std::string service;
  UnitStatus docker;
  ManagedFamilies families;
};

/// Sets up the scene, or returns the line that says why nothing is done.
Expected<Scene> set_scene(CommandContext& context, const std::string& firewall,
                          LoadedConfig loaded) {
  auto nothing = [](const std::string& why) { return Expected<Scene>::failure(why); };
  Scene scene;
  scene.loaded = std::move(loaded);
  scene.service = scene.loaded.config.services.front();
  if (const auto why = why_not_act(context.root); !why.empty()) return nothing(why);
  auto systemd = context.connect_systemd();
  if (!systemd) return nothing(systemd.error());
  scene.systemd = std::move(systemd).value();
  if (const auto state = scene.systemd->system_state(); state && state.value() == "stopping")
    return nothing("the system is shutting down");
  const auto docker = scene.systemd->unit(scene.service);
  if (!docker) return nothing(docker.error());
  scene.docker = docker.value();
  if (scene.docker.active_state != "active" || scene.docker.main_pid == 0)
    return nothing(scene.service + " is not running (" + scene.docker.active_state + ")");
  const auto settings = docker_settings(context.root, scene.service, scene.docker.main_pid);
  if (!settings.warning.empty()) context.err << "warning: " << settings.warning << "\n";
  scene.families = families_flushed_by(
      firewall, families_to_check(context.runner, context.root, settings.facts));
  if (!scene.families.ipv4 && !scene.families.ipv6)
    return nothing("Docker manages no rules that " + firewall + " flushes");
  return scene;
}

ExitStatus bad_firewall(CommandContext& context, const std::string& firewall) {
  context.err << "docker-firewall-guard: --firewall " << firewall << ": "
              << unit_name_problem(firewall) << "\n";
  return ExitStatus::Usage;
}

/// Reads and removes the snapshot: it is used once, whatever happens next.
Expected<Snapshot> consume_snapshot(const std::string& path) {
  const auto text = read_file(path);
  if (!text) return Expected<Snapshot>::failure("no snapshot (" + path + ": " + text.error() + ")");
  unlink(path.c_str());
  auto parsed = parse_snapshot(text.value());
  if (!parsed)
    return Expected<Snapshot>::failure("the snapshot is unusable: " + path + ": " + parsed.error());
  return parsed;
}

/// Why `snapshot` may not be put back now, or "".
std::string why_stale(const Snapshot& snapshot, const std::string& firewall, const Scene& scene,
                      std::uint64_t dockerd_start) {
  if (snapshot.firewall != firewall)
    return "the snapshot is of " + snapshot.firewall + ", not " + firewall;
  if (snapshot.dockerd_pid != scene.docker.main_pid || snapshot.dockerd_start != dockerd_start)
    return "dockerd restarted since the snapshot was taken";
  const auto now = boot_clock_ms();
  if (snapshot.taken_ms > now) return "the snapshot was taken after now";
  const auto age = now - snapshot.taken_ms;
  if (age > std::uint64_t{scene.loaded.config.timeout_seconds} * 1000)
    return "the snapshot is " + std::to_string(age / 1000) + " s old, older than [hook] timeout";
  return {};
}

}  // namespace

ExitStatus run_snapshot(CommandContext& context, const std::string& firewall, bool before_stop) {
  if (!is_valid_unit_name(firewall)) return bad_firewall(context, firewall);
  auto scene = set_scene(context, firewall, load_config(context.root));
  if (!scene) {
    context.out << "snapshot: nothing saved: " << scene.error() << "\n";
    return ExitStatus::Ok;
  }
  auto& s = scene.value();
  if (context.arm_deadline) context.arm_deadline(2 * s.loaded.config.timeout_seconds + 30);
  // Only a snapshot that something will put back in this cycle is taken: before a stop, the
  // firewall's own stop (or restart) must be pending, not past (a restart's companion may
  // stop after the firewall already loaded its file, which may hold stale copies of Docker's
  // rules); otherwise the after-unit must be running or about to start.
  const auto after = companions_of(firewall).after;
  const auto watched = s.systemd->unit(before_stop ? firewall : after);
  const auto job = watched ? watched.value().job_type : std::string();
  const bool due = before_stop
                       ? watched && watched.value().active_state == "active" &&
                             (job == "stop" || job == "restart")
                       : watched && (watched.value().active_state == "active" || !job.empty());
  if (!due) {
    context.out << "snapshot: nothing saved: "
                << (before_stop ? firewall + " is not about to stop"
                                : after + " is not running, so nothing would put it back")
                << "\n";
    return ExitStatus::Ok;
  }
  // Rules already gone (a restart's second half, or someone flushed them): keep whatever
  // this cycle saved before, never overwrite it with less.
  const auto rules = check_docker_rules(context.runner, s.families);
  if (rules.overall() != RulesState::Present) {
    context.out << "snapshot: nothing saved: Docker's rules are not all there (" << describe(rules)
                << ")\n";
    return ExitStatus::Ok;
  }
  const auto start = process_start_time(context.root, s.docker.main_pid);
  if (!start) {
    context.out << "snapshot: nothing saved: " << start.error() << "\n";
    return ExitStatus::Unknown;
  }
  Snapshot stamp;
  stamp.firewall = firewall;
  stamp.dockerd_pid = s.docker.main_pid;
  stamp.dockerd_start = start.value();
  stamp.taken_ms = boot_clock_ms();
  const auto snapshot = take_snapshot(context.runner, s.families, stamp);
  std::size_t count = 0;
  Expected<Ok> written = Expected<Ok>::failure("");
  if (snapshot) {
    for (const auto& [family, ruleset] : snapshot.value().families)
      for (const auto& table : ruleset.tables) count += table.rules.size();
    const auto dir = join_root(context.root, snapshot_dir);
    const std::string parent(snapshot_dir, std::string_view(snapshot_dir).rfind('/'));
    written = make_directory(join_root(context.root, parent), 0700);
    if (written) written = make_directory(dir, 0700);
    if (written)
      written = write_file_atomic(dir, firewall, render_snapshot(snapshot.value()), 0600);
  }
  if (!snapshot || !written) {
    context.out << "snapshot: nothing saved: " << (snapshot ? written.error() : snapshot.error())
                << "\n";
    return ExitStatus::Unknown;
  }
  context.out << "snapshot: saved Docker's " << count << " rules before " << firewall
              << " flushes them\n";
  return ExitStatus::Ok;
}

ExitStatus run_restore(CommandContext& context, const std::string& firewall, bool after_stop) {
  if (!is_valid_unit_name(firewall)) return bad_firewall(context, firewall);
  const auto path = snapshot_path(context.root, firewall);
  auto scene = set_scene(context, firewall, load_config(context.root));
  if (!scene) {
    unlink(path.c_str());
    context.out << "restore: nothing done: " << scene.error() << "\n";
    return ExitStatus::Ok;
  }
  auto& s = scene.value();
  const auto timeout = std::chrono::seconds(s.loaded.config.timeout_seconds);
  if (context.arm_deadline) context.arm_deadline(2 * s.loaded.config.timeout_seconds + 30);
  if (after_stop) {
    // In the firewall's ExecStopPost=: a restart's stop half is followed by its start, after
    // which the companion restores; only a plain stop is ours to mend here.
    const auto unit = s.systemd->unit(firewall);
    if (unit && !unit.value().job_type.empty() && unit.value().job_type != "stop") {
      context.out << "restore: not yet: " << firewall << " is in a " << unit.value().job_type
                  << " job; its start restores\n";
      return ExitStatus::Ok;
    }
  }
  // Companions of two firewalls restarted together (iptables and ip6tables by one package)
  // take turns, so their fallbacks never restart Docker twice. Not reconcile's lock: a
  // reconcile waits for the companions' jobs while it holds that one. Inside a firewall's
  // stop, only briefly: its stop must not hang.
  const auto lock = RunLock::acquire(join_root(context.root, restore_lock_path),
                                     after_stop ? std::chrono::seconds(5) : timeout);
  if (!lock) {
    unlink(path.c_str());  // never left for a later cycle
    context.out << "restore: nothing done: " << lock.error() << "\n";
    return ExitStatus::Ok;
  }

  std::string why;
  const auto snapshot = consume_snapshot(path);
  const auto start = process_start_time(context.root, s.docker.main_pid);
  if (!snapshot) {
    why = snapshot.error();
  } else if (!start) {
    why = start.error();
  } else {
    why = why_stale(snapshot.value(), firewall, s, start.value());
  }
  if (why.empty()) {
    const auto restored = restore_snapshot(context.runner, snapshot.value());
    const auto rules = check_docker_rules(context.runner, s.families);
    if (restored && rules.overall() == RulesState::Present) {
      const auto line = "restore: put back " + std::to_string(restored.value()) +
                        " of Docker's rules after " + firewall;
      if (context.journal) journal_restore(line, s.service, firewall, "restored", restored.value());
      if (!context.journal || !stdout_is_journal()) context.out << line << "\n";
      return ExitStatus::Ok;
    }
    why = restored ? "restored, but " + describe(rules) : restored.error();
  }

  // The fallback: reconcile's rules (nothing when the rules are there, one restart if not).
  ReconcileOptions options;
  options.timeout = timeout;
  options.no_block = after_stop;
  options.settle_companions = false;
  options.rules_grace = restart_rules_grace;
  options.dry_run = s.loaded.config.dry_run;
  auto canary = [&] { return check_docker_rules(context.runner, s.families); };
  Config config = s.loaded.config;
  config.services = {s.service};
  const auto outcome = reconcile(*s.systemd, canary, config, options).front();
  const auto line = "restore: " + why + "; " + to_line(outcome);
  const bool journaled = context.journal && outcome.action != ReconcileAction::Nothing;
  if (journaled)
    journal_restore(line, s.service, firewall, std::string(to_string(outcome.action)), 0);
  if (!journaled || !stdout_is_journal()) context.out << line << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
