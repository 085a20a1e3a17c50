#include "restore.h"

#include <unistd.h>

#include <chrono>

#include "flows.h"
#include "fs.h"
#include "journal.h"
#include "metrics.h"
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

// Inside a firewall's job, the restore lock is waited for as long as another restore may hold
// it: its settling and two slow answers of dockerd's, with room; the job must not hang.
constexpr std::chrono::milliseconds in_job_lock_wait =
    view_settle + 2 * docker_api_timeout + std::chrono::seconds(2);

Expected<Snapshot> read_snapshot(const std::string& path) {
  const auto text = read_file(path, max_snapshot_size);
  if (!text) return fail("no snapshot (" + path + ": " + text.error() + ")");
  auto parsed = parse_snapshot(text.value());
  if (!parsed) return fail("the snapshot is unusable: " + path + ": " + parsed.error());
  return parsed;
}

/// A duration in ms with one decimal, as the journal's *_MS fields have it.
std::string in_ms(std::chrono::steady_clock::duration duration) {
  const auto tenths = std::chrono::duration_cast<std::chrono::microseconds>(duration).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
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

/// A snapshot fitted to what dockerd holds now: by what changed since it was taken
/// (fit_to_change per family), or, without dockerd's answer of then, by what it holds now
/// alone (fit_to_view).
struct Fit {
  Snapshot snapshot;
  std::size_t dropped = 0;           ///< rules left out: of what dockerd no longer holds
  std::vector<std::string> missing;  ///< what dockerd holds that the snapshot lacks
  std::string judged_by;             ///< "" when by what changed; else why not, for the journal
};

Fit fit_snapshot(const Snapshot& snapshot, const DockerView& now) {
  Fit fit{snapshot, 0, {}, {}};
  const auto then = snapshot.held.empty()
                        ? Expected<DockerView>(fail("dockerd did not answer when it was taken"))
                        : parse_view(snapshot.held);
  if (!then) fit.judged_by = "by what dockerd holds now alone: " + then.error();
  for (auto& [family, rules] : fit.snapshot.families) {
    auto fitted =
        then ? fit_to_change(rules, then.value(), now, family) : fit_to_view(rules, now, family);
    fit.dropped += fitted.comparison.stale.size();
    for (auto& line : fitted.comparison.missing) fit.missing.push_back(family + " " + line);
    rules = std::move(fitted.rules);
  }
  return fit;
}

}  // namespace

Expected<Restored> restore_snapshot(ProcessRunner& runner, Clock& clock, const Snapshot& snapshot,
                                    const DockerView* view, bool dry_run) {
  Restored restored;
  for (const auto& [family, saved] : snapshot.families) {
    const std::string restore = family == "IPv6" ? "ip6tables-restore" : "iptables-restore";
    const auto saving = clock.now();
    const auto now = save_family(runner, family);
    restored.saving += clock.now() - saving;
    if (!now) return fail(now);
    // Docker's rules there now that name what dockerd no longer holds (copies of old rules in
    // the firewall's own file) go, as the snapshot's own stale rules went.
    const auto stale =
        view != nullptr ? fit_to_view(docker_part(now.value()), *view, family).dropped : Ruleset{};
    // Every table that needs it in one run per family: one process and one look at the
    // tables, each table still committed whole.
    std::string input, tables;
    std::map<std::string, std::size_t> written;
    for (const auto& script : plan_restore(saved, now.value(), stale)) {
      for (const auto& rule : script.left_out) restored.left_out.push_back(family + " " + rule);
      if (script.in_place) {
        restored.in_place.push_back(family + " " + script.table);
        continue;
      }
      input += script.text;
      tables += (tables.empty() ? "" : ", ") + script.table;
      written[family + " " + script.table] = script.rules;
    }
    if (!dry_run && !input.empty()) {
      const auto writing = clock.now();
      const auto run = runner.run({restore, "--wait=5", "--noflush"}, restore_timeout, input);
      restored.writing += clock.now() - writing;
      if (!run.started || run.timed_out || run.exit_code != 0)
        return fail(restore + " of " + family + " " + tables + ": " + failure_reason(run));
    }
    for (auto& [table, count] : written) restored.written[table] = count;
  }
  return restored;
}

ExitStatus run_restore(HostView& view, const std::string& firewall, bool in_job) {
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
  auto report = [&](const JournalEntry& entry) {
    report_event(host, view.config().metrics_file, entry);
  };
  const auto main_pid = view.docker_unit().value().main_pid;
  // Restores of two firewalls restarted together (iptables and ip6tables by one package)
  // take turns, so their fallbacks never restart Docker twice. Not restart-docker's lock: it
  // waits for the companions' jobs while it holds that one. Inside a firewall's job, for
  // in_job_lock_wait.
  const auto lock = host.locks.take(join_root(host.root, runtime::restore_lock),
                                    in_job ? in_job_lock_wait : view.timeout());
  if (!lock) {
    unlink(path.c_str());  // never left for a later cycle
    // Said, not only printed: whatever held the lock, these rules stay as they are now.
    const auto line = "restore: nothing done: " + lock.error();
    report(restore_entry(line, view.service(), firewall, "skipped", 0));
    if (!host.journal.holds_stdout()) host.out << line << "\n";
    return ExitStatus::Ok;
  }

  // A snapshot that went back stays for the next restore within [hook] timeout (fitted to
  // what dockerd holds then, as now): a quick next restart cancels the after-companion's
  // start, so its stop saves nothing, and the stop's restore needs this one. Any other is
  // removed when this run ends, never left for a later cycle.
  struct RemovedAtEnd {
    const std::string& path;
    bool keep = false;
    ~RemovedAtEnd() {
      if (!keep) unlink(path.c_str());
    }
  } removed_at_end{path};
  // Each step's cost, for the journal: from the process's start (as the firewall's job feels
  // it) or the step's own.
  const auto started = host.clock.started();
  const auto began = host.clock.now();
  auto ms_since = [&](std::chrono::steady_clock::time_point from) {
    return in_ms(host.clock.now() - from);
  };
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
  Fit fit{snapshot ? snapshot.value() : Snapshot{}, 0, {}, {}};
  std::string note;  // said after the count of rules put back
  auto ask = [&] { return ask_docker(host.docker, view.docker_socket(), docker_api_timeout); };
  // Asked only for a snapshot that may go back: the fallback's canary asks for itself.
  const auto asking = host.clock.now();
  auto docker = why.empty() ? ask() : Expected<DockerView>(fail(why));
  if (why.empty() && docker) {
    fit = fit_snapshot(snapshot.value(), docker.value());
    if (!fit.judged_by.empty()) note = "; judged " + fit.judged_by;
    if (!fit.missing.empty()) {
      why = "the snapshot lacks what Docker holds now (" + fit.missing.front() +
            (fit.missing.size() > 1 ? " and " + std::to_string(fit.missing.size() - 1) + " more"
                                    : "") +
            ")";
    }
  } else if (why.empty()) {
    note = "; as saved: Docker's API cannot tell (" + docker.error() + ")";
  }
  const auto asked = ms_since(asking);
  auto left_out_note = [&] {
    return fit.dropped == 0 ? std::string()
                            : "; left out " + std::to_string(fit.dropped) +
                                  " of containers, ports or networks Docker no longer holds";
  };
  const bool dry_run = view.config().dry_run;
  if (why.empty() && dry_run) {
    const auto would = restore_snapshot(host.runner, host.clock, fit.snapshot,
                                        docker ? &docker.value() : nullptr, true);
    if (would) {
      const auto line = "restore: would put back " + std::to_string(would.value().total()) +
                        " of Docker's rules after " + firewall + note + left_out_note() +
                        left_to_owners(would.value()) + " (dry run)";
      host.journal.send(restore_entry(line, view.service(), firewall, "would restore", 0));
      if (!host.journal.holds_stdout()) host.out << line << "\n";
      return ExitStatus::Ok;
    }
    why = would.error();
  }
  bool settled = false;  // the rules and dockerd's answers disagreed for all of view_settle
  if (why.empty()) {
    auto restored =
        restore_snapshot(host.runner, host.clock, fit.snapshot, docker ? &docker.value() : nullptr);
    const auto put_back_ms = ms_since(started);
    Restored counted = restored ? restored.value() : Restored{};  // each table as last written
    // Judged on what it put back: a family the snapshot lacks was not there to keep.
    ManagedFamilies restored_families{false, false};
    for (const auto& [family, saved] : fit.snapshot.families)
      (family == "IPv6" ? restored_families.ipv6 : restored_families.ipv4) = true;
    // Judged at once, then again while the rules and dockerd's answers disagree, for up to
    // view_settle: fitted again to each newer answer, and put back again when that fits
    // otherwise (a container being started when dockerd was first asked is listed once it
    // runs, and its saved rules go back; one that was stopping is gone, and its rules go).
    // An answer that does not come keeps the last one.
    const auto deadline = host.clock.now() + view_settle;
    auto jumps = check_docker_rules(host.runner, restored_families);
    if (docker) {  // afresh: what dockerd holds once the rules are back
      if (auto later = ask(); later) docker = std::move(later);
    }
    auto rules = judge_by_view(jumps, docker, host.runner);
    while (restored && docker && jumps.overall() == RulesState::Present &&
           rules.overall() == RulesState::Flushed && host.clock.now() < deadline) {
      auto refit = fit_snapshot(snapshot.value(), docker.value());
      if (refit.missing.empty() && refit.dropped != fit.dropped) {
        fit = std::move(refit);
        auto again = restore_snapshot(host.runner, host.clock, fit.snapshot, &docker.value());
        if (again)
          for (const auto& [table, count] : again.value().written) counted.written[table] = count;
        restored = std::move(again);
      } else {
        host.clock.sleep_for(view_recheck);
      }
      jumps = check_docker_rules(host.runner, restored_families);
      if (auto later = ask(); later) docker = std::move(later);
      rules = judge_by_view(jumps, docker, host.runner);
    }
    settled = host.clock.now() >= deadline;
    const auto put_back = counted.total();
    if (restored && rules.overall() == RulesState::Present) {
      // Connections that left while the rules were gone keep leaving untranslated until their
      // tracking entries go; the next packet of each then takes Docker's rules.
      const auto cleaning = host.clock.now();
      const auto cleared =
          docker ? clear_broken_flows(host.conntrack, docker.value(), families.value())
                 : Expected<std::size_t>(fail("Docker's API cannot tell its networks"));
      std::string flows_note;
      if (!cleared)
        flows_note = "; connection tracking not cleared: " + cleared.error();
      else if (cleared.value() > 0)
        flows_note = "; deleted " + std::to_string(cleared.value()) +
                     " connection-tracking entries of connections that left without NAT";
      const auto line = "restore: put back " + std::to_string(put_back) +
                        " of Docker's rules after " + firewall + note + left_out_note() +
                        left_to_owners(restored.value()) + flows_note;
      removed_at_end.keep = true;
      auto entry = restore_entry(line, view.service(), firewall, "restored", put_back, fit.dropped);
      entry.fields.emplace_back("FLOWS_CLEARED", cleared ? std::to_string(cleared.value()) : "");
      entry.fields.emplace_back("READY_MS", in_ms(began - started));
      entry.fields.emplace_back("ASK_MS", asked);
      entry.fields.emplace_back("SAVE_MS", in_ms(counted.saving));
      entry.fields.emplace_back("WRITE_MS", in_ms(counted.writing));
      entry.fields.emplace_back("PUT_BACK_MS", put_back_ms);
      entry.fields.emplace_back("FLOWS_MS", ms_since(cleaning));
      entry.fields.emplace_back("DURATION_MS", ms_since(started));
      report(entry);
      if (!host.journal.holds_stdout()) host.out << line << "\n";
      return ExitStatus::Ok;
    }
    why = restored ? "restored, but " + describe(rules) : restored.error();
  }

  // The fallback: restart-docker's rules (nothing when the rules are there, one restart if
  // not).
  RestartOptions options;
  options.timeout = view.timeout();
  options.no_block = in_job;
  options.settle_companions = false;
  options.rules_grace = restart_rules_grace;
  options.dry_run = dry_run;
  // Not settled again when the restore's judging just did.
  auto canary = [&] {
    return judge_settled(check_docker_rules(host.runner, families.value()), ask, host.runner,
                         host.clock, settled ? std::chrono::milliseconds(0) : view_settle);
  };
  const auto outcome = restart_if_flushed(systemd, host.clock, canary, view.config(), options);
  const auto line = "restore: " + why + "; " + to_line(outcome);
  const bool journaled = outcome.action != RestartAction::Nothing;
  if (journaled)
    report(
        restore_entry(line, view.service(), firewall, std::string(to_string(outcome.action)), 0));
  if (!journaled || !host.journal.holds_stdout()) host.out << line << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
