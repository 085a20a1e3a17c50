#include "restore.h"

#include <unistd.h>

#include <chrono>

#include "fs.h"
#include "journal.h"
#include "restart.h"
#include "runtime_dir.h"
#include "snapshot.h"
#include "subcommands.h"
#include "unit_name.h"
#include "view_rules.h"

namespace dfg {
namespace {

// -w 5 waits for the xtables lock (legacy iptables); the runner's deadline comes later.
constexpr auto restore_timeout = std::chrono::seconds(10);

Expected<Snapshot> read_snapshot(const std::string& path) {
  const auto text = read_file(path, max_snapshot_size);
  if (!text) return fail("no snapshot (" + path + ": " + text.error() + ")");
  auto parsed = parse_snapshot(text.value());
  if (!parsed) return fail("the snapshot is unusable: " + path + ": " + parsed.error());
  return parsed;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  return out;
}

/// What the restore found in place and left to their owners, said after the count.
std::string left_to_owners(const Restored& restored) {
  std::string out;
  if (!restored.in_place.empty())
    out += "; in place already, not rewritten: " + joined(restored.in_place);
  if (!restored.left_out.empty())
    out += "; left to their owners (their chains are gone until they start again): " +
           joined(restored.left_out);
  return out;
}

/// Why `snapshot` may not be put back now, or "".
std::string why_stale(const Snapshot& snapshot, const std::string& firewall, HostView& view,
                      std::uint32_t dockerd_pid, std::uint64_t dockerd_start) {
  if (snapshot.firewall != firewall)
    return "the snapshot is of " + snapshot.firewall + ", not " + firewall;
  if (snapshot.dockerd_pid != dockerd_pid || snapshot.dockerd_start != dockerd_start)
    return "dockerd restarted since the snapshot was taken";
  const auto now = view.host().clock.boot_ms();
  if (snapshot.taken_ms > now) return "the snapshot was taken after now";
  const auto age = now - snapshot.taken_ms;
  if (age > std::uint64_t{view.config().timeout_seconds} * 1000)
    return "the snapshot is " + std::to_string(age / 1000) + " s old, older than [hook] timeout";
  return {};
}

}  // namespace

Expected<Restored> restore_snapshot(ProcessRunner& runner, const Snapshot& snapshot,
                                    const DockerView* view, bool dry_run) {
  Restored restored;
  auto& rules = restored.rules;
  for (const auto& [family, saved] : snapshot.families) {
    const std::string restore = family == "IPv6" ? "ip6tables-restore" : "iptables-restore";
    const auto now = save_family(runner, family);
    if (!now) return fail(now);
    // Docker's rules there now that name what dockerd no longer holds (copies of old rules in
    // the firewall's own file) go, as the snapshot's own stale rules went.
    const auto stale =
        view != nullptr ? fit_to_view(docker_part(now.value()), *view, family).dropped : Ruleset{};
    for (const auto& script : plan_restore(saved, now.value(), stale)) {
      for (const auto& rule : script.left_out) restored.left_out.push_back(family + " " + rule);
      if (script.in_place) {
        restored.in_place.push_back(family + " " + script.table);
        continue;
      }
      if (dry_run) {
        rules += script.rules;
        continue;
      }
      const auto run = runner.run({restore, "--wait=5", "--noflush"}, restore_timeout, script.text);
      if (!run.started || run.timed_out || run.exit_code != 0)
        return fail(restore + " of " + family + " " + script.table + ": " + failure_reason(run));
      rules += script.rules;
    }
  }
  return restored;
}

ExitStatus run_restore(HostView& view, const std::string& firewall, bool after_stop) {
  if (!is_valid_unit_name(firewall)) return refuse_firewall_name(view, firewall);
  auto& host = view.host();
  const auto path = snapshot_path(host.root, firewall);
  const auto families = companion_families(view, firewall);
  if (!families) {
    unlink(path.c_str());
    host.out << "restore: nothing done: " << families.error() << "\n";
    return ExitStatus::Ok;
  }
  view.arm_deadline();
  auto& systemd = *view.systemd().value();
  const auto main_pid = view.docker_unit().value().main_pid;
  // In the firewall's ExecStopPost=, a restart's stop included: Docker's rules go back right
  // after the flush, so that a start that fails, is refused (the unit's start limit) or never
  // comes leaves them in place, and they are there while the start runs; the start's before-
  // companion saves them again, and its after-companion mends what the start replaced.
  // Companions of two firewalls restarted together (iptables and ip6tables by one package)
  // take turns, so their fallbacks never restart Docker twice. Not restart-docker's lock: it
  // waits for the companions' jobs while it holds that one. Inside a firewall's stop, only
  // briefly: its stop must not hang.
  const auto lock = host.locks.take(join_root(host.root, runtime::restore_lock),
                                    after_stop ? std::chrono::seconds(5) : view.timeout());
  if (!lock) {
    unlink(path.c_str());  // never left for a later cycle
    // Said, not only printed: whatever held the lock, these rules stay as they are now.
    const auto line = "restore: nothing done: " + lock.error();
    host.journal.send(restore_entry(line, view.service(), firewall, "skipped", 0));
    if (!host.journal.holds_stdout()) host.out << line << "\n";
    return ExitStatus::Ok;
  }

  // The snapshot is used once, whatever happens: removed when this run ends, not when read,
  // so that a run killed half-way (systemd stops a companion whose start a quick next
  // firewall restart cancelled) leaves it for the next restore of this cycle.
  struct RemovedAtEnd {
    const std::string& path;
    ~RemovedAtEnd() { unlink(path.c_str()); }
  } removed_at_end{path};
  std::string why;
  const auto snapshot = read_snapshot(path);
  const auto start = host.processes.start_time(main_pid);
  if (!snapshot) {
    why = snapshot.error();
  } else if (!start) {
    why = start.error();
  } else {
    why = why_stale(snapshot.value(), firewall, view, main_pid, start.value());
  }
  // What dockerd holds now decides what of the snapshot still stands: rules of containers,
  // ports and networks gone are dropped; when it holds what the snapshot lacks (a container
  // started in between), one restart of Docker makes it all.
  Snapshot fitted = snapshot ? snapshot.value() : Snapshot{};
  std::size_t dropped = 0;
  std::string note;  // said after the count of rules put back
  // Asked only for a snapshot that may go back: the fallback's canary asks for itself.
  const auto docker =
      why.empty() ? ask_docker(host.docker, docker_api_timeout) : Expected<DockerView>(fail(why));
  if (why.empty() && docker) {
    std::vector<std::string> missing;
    for (auto& [family, rules] : fitted.families) {
      auto fit = fit_to_view(rules, docker.value(), family);
      dropped += fit.comparison.stale.size();
      for (auto& line : fit.comparison.missing) missing.push_back(family + " " + line);
      rules = std::move(fit.rules);
    }
    if (!missing.empty()) {
      why = "the snapshot lacks what Docker holds now (" + missing.front() +
            (missing.size() > 1 ? " and " + std::to_string(missing.size() - 1) + " more" : "") +
            ")";
    } else if (dropped > 0) {
      note = "; left out " + std::to_string(dropped) +
             " of containers, ports or networks Docker no longer holds";
    }
  } else if (why.empty()) {
    note = "; as saved: Docker's API cannot tell (" + docker.error() + ")";
  }
  auto canary_of = [&](ManagedFamilies judged) {
    return judge_by_view(check_docker_rules(host.runner, judged),
                         ask_docker(host.docker, docker_api_timeout), host.runner);
  };
  const bool dry_run = view.config().dry_run;
  const DockerView* held = docker ? &docker.value() : nullptr;
  if (why.empty() && dry_run) {
    const auto would = restore_snapshot(host.runner, fitted, held, true);
    if (would) {
      const auto line = "restore: would put back " + std::to_string(would.value().rules) +
                        " of Docker's rules after " + firewall + note +
                        left_to_owners(would.value()) + " (dry run)";
      host.journal.send(restore_entry(line, view.service(), firewall, "would restore", 0));
      if (!host.journal.holds_stdout()) host.out << line << "\n";
      return ExitStatus::Ok;
    }
    why = would.error();
  }
  if (why.empty()) {
    const auto restored = restore_snapshot(host.runner, fitted, held);
    // Judged on what it put back: a family the snapshot lacks was not there to keep.
    ManagedFamilies restored_families{false, false};
    for (const auto& [family, saved] : fitted.families)
      (family == "IPv6" ? restored_families.ipv6 : restored_families.ipv4) = true;
    const auto rules = canary_of(restored_families);
    if (restored && rules.overall() == RulesState::Present) {
      const auto line = "restore: put back " + std::to_string(restored.value().rules) +
                        " of Docker's rules after " + firewall + note +
                        left_to_owners(restored.value());
      host.journal.send(restore_entry(line, view.service(), firewall, "restored",
                                      restored.value().rules, dropped));
      if (!host.journal.holds_stdout()) host.out << line << "\n";
      return ExitStatus::Ok;
    }
    why = restored ? "restored, but " + describe(rules) : restored.error();
  }

  // The fallback: restart-docker's rules (nothing when the rules are there, one restart if
  // not).
  RestartOptions options;
  options.timeout = view.timeout();
  options.no_block = after_stop;
  options.settle_companions = false;
  options.rules_grace = restart_rules_grace;
  options.dry_run = dry_run;
  auto canary = [&] { return canary_of(families.value()); };
  const auto outcome = restart_if_flushed(systemd, host.clock, canary, view.config(), options);
  const auto line = "restore: " + why + "; " + to_line(outcome);
  const bool journaled = outcome.action != RestartAction::Nothing;
  if (journaled)
    host.journal.send(
        restore_entry(line, view.service(), firewall, std::string(to_string(outcome.action)), 0));
  if (!journaled || !host.journal.holds_stdout()) host.out << line << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
