#include "restore.h"

#include <unistd.h>

#include <chrono>

#include "event_preconditions.h"
#include "flows.h"
#include "fs.h"
#include "journal.h"
#include "metrics.h"
#include "restart.h"
#include "restore_event.h"
#include "runtime_dir.h"
#include "snapshot_file.h"
#include "subcommands.h"
#include "tables.h"
#include "unit_name.h"
#include "view_rules.h"

namespace dfg {
namespace {

// Inside a firewall's job, the restore lock is waited for as long as another restore may hold
// it: its settling and four slow answers of dockerd's (a settling round's two, and the
// fallback's), with room; the job must not hang.
constexpr std::chrono::milliseconds in_job_lock_wait =
    view_settle + 4 * docker_api_timeout + std::chrono::seconds(2);

Expected<Snapshot> read_snapshot(const std::string& path) {
  const auto text = read_file(path, max_snapshot_size);
  if (!text) return fail("no snapshot (" + path + ": " + text.error() + ")");
  auto parsed = parse_snapshot(text.value());
  if (!parsed) return fail("the snapshot is unusable: " + path + ": " + parsed.error());
  return parsed;
}

/// Why `snapshot` may not be put back now, or "".
std::string why_unusable(const Snapshot& snapshot, const std::string& firewall, HostView& view,
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
  std::vector<std::string> missing;      ///< what dockerd holds that the snapshot lacks
  std::string judged_by;                 ///< "" when by what changed; else how, for the journal
  std::vector<std::string> left_out;     ///< each rule left out, with why
  std::vector<std::string> unexplained;  ///< kept as saved, naming what dockerd lists nowhere
};

Fit fit_snapshot(const Snapshot& snapshot, const DockerView& now) {
  Fit fit{snapshot, {}, {}, {}, {}};
  const auto then = snapshot.held.empty()
                        ? Expected<DockerView>(fail("dockerd did not answer when it was taken"))
                        : parse_view(snapshot.held);
  if (!then) fit.judged_by = "by what dockerd holds now alone: " + then.error();
  for (auto& [family, rules] : fit.snapshot.families) {
    auto fitted =
        then ? fit_to_change(rules, then.value(), now, family) : fit_to_view(rules, now, family);
    const auto prefix = family_name(family) + " ";
    for (auto& line : fitted.comparison.stale) fit.left_out.push_back(prefix + line);
    for (auto& line : fitted.comparison.missing) fit.missing.push_back(prefix + line);
    for (auto& line : fitted.unexplained) fit.unexplained.push_back(prefix + line);
    rules = std::move(fitted.rules);
  }
  return fit;
}

}  // namespace

Expected<Restored> restore_snapshot(ProcessRunner& runner, Clock& clock, const Snapshot& snapshot,
                                    const DockerView* view, bool dry_run) {
  Restored restored;
  for (const auto& [family, saved] : snapshot.families) {
    const auto prefix = family_name(family) + " ";
    const auto saving = clock.now();
    const auto now = save_tables(runner, family);
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
      for (const auto& rule : script.left_out) restored.left_out.push_back(prefix + rule);
      if (script.in_place) {
        restored.in_place.push_back(prefix + script.table);
        continue;
      }
      input += script.text;
      tables += (tables.empty() ? "" : ", ") + script.table;
      written[prefix + script.table] = script.rules;
    }
    if (!dry_run && !input.empty()) {
      const auto writing = clock.now();
      const auto run = restore_tables(runner, family, input, tables);
      restored.writing += clock.now() - writing;
      if (!run) return fail(run);
    }
    for (auto& [table, count] : written) restored.written[table] = count;
  }
  return restored;
}

namespace {

/// One restore, in stages: ready (its turn, the snapshot), ask (dockerd's answer, the fit),
/// put back (written, judged, settled), flows; each adds to the event and, when it fails,
/// says why the snapshot cannot go back, which leads to the fallback.
class Restore {
 public:
  Restore(HostView& view, const std::string& firewall, bool in_job, ManagedFamilies families)
      : m_view(view),
        m_host(view.host()),
        m_in_job(in_job),
        m_families(families),
        m_path(snapshot_path(view.host().root, firewall)),
        m_started(m_host.clock.started()) {
    m_event.service = view.service();
    m_event.firewall = firewall;
  }

  ExitStatus run() {
    m_view.arm_deadline();
    // Restores of two firewalls restarted together (iptables and ip6tables by one package)
    // take turns, so their fallbacks never restart Docker twice. Not restart-docker's lock:
    // it waits for the companions' jobs while it holds that one. Inside a firewall's job,
    // for in_job_lock_wait.
    const auto lock = m_host.locks.take(join_root(m_host.root, runtime::restore_lock),
                                        m_in_job ? in_job_lock_wait : m_view.timeout());
    if (!lock) return fall_back("could not take its turn: " + lock.error());
    auto why = ready();
    if (why.empty()) why = ask();
    if (why.empty() && m_view.config().dry_run) return would_restore();
    if (why.empty()) why = put_back();
    if (!why.empty()) return fall_back(why);
    clear_flows();
    // A snapshot that went back stays for the next restore within [hook] timeout (fitted to
    // what dockerd holds then, as now): a quick next restart cancels the after-companion's
    // start, so its stop saves nothing, and the stop's restore needs this one.
    m_keep_snapshot = true;
    m_event.action = RestoreEvent::Action::Restored;
    m_event.times.total = since_start();
    return report();
  }

  /// Any snapshot but one that went back is removed when the run ends, never left for a
  /// later cycle.
  ~Restore() {
    if (!m_keep_snapshot) unlink(m_path.c_str());
  }

 private:
  std::chrono::steady_clock::duration since_start() const { return m_host.clock.now() - m_started; }

  Expected<DockerView> ask_dockerd() {
    return ask_docker(m_host.docker, m_view.docker_socket(), docker_api_timeout);
  }

  /// The snapshot, and whether it may still go back.
  std::string ready() {
    m_event.times.ready = since_start();
    m_snapshot = read_snapshot(m_path);
    if (!m_snapshot) return m_snapshot.error();
    const auto main_pid = m_view.docker_unit().value().main_pid;
    const auto start = m_host.processes.start_time(main_pid);
    if (!start) return start.error();
    return why_unusable(m_snapshot.value(), m_event.firewall, m_view, main_pid, start.value());
  }

  /// What dockerd holds now, and the snapshot fitted to it. Asked before anything goes back:
  /// unchecked rules could lead a published port to a container that has taken a stopped
  /// one's address.
  std::string ask() {
    const auto asking = m_host.clock.now();
    m_docker = ask_dockerd();
    m_event.times.ask = m_host.clock.now() - asking;
    refit();
    if (m_fit.missing.empty()) return {};
    return "the snapshot lacks what Docker holds now (" + m_fit.missing.front() +
           (m_fit.missing.size() > 1 ? " and " + std::to_string(m_fit.missing.size() - 1) + " more"
                                     : "") +
           ")";
  }

  /// Fits the snapshot to the last answer; without one, holds back what names containers.
  void refit() {
    const auto& snapshot = m_snapshot.value();
    m_fit = m_docker ? fit_snapshot(snapshot, m_docker.value()) : hold_back(snapshot);
    m_event.judged_by = m_fit.judged_by;
    m_event.dropped = m_docker ? m_fit.left_out : std::vector<std::string>{};
    m_event.held_back = m_docker ? std::vector<std::string>{} : m_fit.left_out;
    m_event.unexplained = m_fit.unexplained;
  }

  Fit hold_back(const Snapshot& snapshot) const {
    Fit fit{snapshot, {}, {}, {}, {}};
    const auto then = parse_view(snapshot.held);
    for (auto& [family, rules] : fit.snapshot.families) {
      auto kept = hold_back_containers(
          rules, then && !snapshot.held.empty() ? &then.value() : nullptr, family);
      for (auto& line : kept.comparison.stale)
        fit.left_out.push_back(family_name(family) + " " + line);
      rules = std::move(kept.rules);
    }
    return fit;
  }

  ExitStatus would_restore() {
    const auto would = restore_snapshot(m_host.runner, m_host.clock, m_fit.snapshot,
                                        m_docker ? &m_docker.value() : nullptr, true);
    if (!would) return fall_back(would.error());
    take_counts(would.value());
    m_event.action = RestoreEvent::Action::WouldRestore;
    const auto entry = journal_entry(m_event);
    m_host.journal.send(entry);  // a dry run costs nothing to count
    if (!m_host.journal.holds_stdout()) m_host.out << entry.message << "\n";
    return ExitStatus::Ok;
  }

  void take_counts(const Restored& restored) {
    for (const auto& [table, count] : restored.written) m_written[table] = count;
    m_event.put_back = 0;
    for (const auto& [table, count] : m_written) m_event.put_back += count;
    m_event.left_to_owners = restored.left_out;
    m_event.in_place = restored.in_place;
    m_event.times.save += restored.saving;
    m_event.times.write += restored.writing;
  }

  /// Writes the fitted snapshot, then judges it: at once, then again while the rules and
  /// dockerd's answers disagree (or dockerd does not answer), for up to view_settle: fitted
  /// again to each newer answer, and put back again when that fits otherwise (a container
  /// being started when dockerd was first asked is listed once it runs, and its saved rules
  /// go back; one that was stopping is gone, and its rules go). An answer that does not come
  /// keeps the last one.
  std::string put_back() {
    auto restored = write();
    m_event.times.put_back_at = since_start();
    // Judged on what it put back: a family the snapshot lacks was not there to keep.
    ManagedFamilies restored_families{false, false};
    for (const auto& [family, saved] : m_fit.snapshot.families) restored_families.add(family);
    const auto deadline = m_host.clock.now() + view_settle;
    auto jumps = check_docker_rules(m_host.runner, restored_families);
    if (auto later = ask_dockerd(); later || !m_docker) m_docker = std::move(later);
    auto rules = judge_by_view(jumps, m_docker, m_host.runner);
    auto unsettled = [&] {
      const bool held_back = !m_event.held_back.empty();
      return restored && jumps.overall() == RulesState::Present &&
             (held_back || (m_docker && rules.overall() == RulesState::Flushed)) &&
             m_host.clock.now() < deadline;
    };
    while (unsettled()) {
      const auto before = m_fit.left_out;
      if (m_docker) refit();
      if (m_docker && m_fit.missing.empty() && m_fit.left_out != before) {
        restored = write();
      } else {
        m_host.clock.sleep_for(view_recheck);
      }
      jumps = check_docker_rules(m_host.runner, restored_families);
      if (auto later = ask_dockerd(); later) m_docker = std::move(later);
      rules = judge_by_view(jumps, m_docker, m_host.runner);
    }
    m_settled = m_host.clock.now() >= deadline;
    if (!restored) return restored.error();
    // Present as judged: what dockerd holds that the snapshot lacked (a container started
    // while settling) Docker wrote itself.
    if (rules.overall() == RulesState::Present) return {};
    if (!m_fit.missing.empty())
      return "the snapshot lacks what Docker holds now (" + m_fit.missing.front() + ")";
    return "restored, but " + describe(rules);
  }

  Expected<Restored> write() {
    auto restored = restore_snapshot(m_host.runner, m_host.clock, m_fit.snapshot,
                                     m_docker ? &m_docker.value() : nullptr);
    if (restored) take_counts(restored.value());
    return restored;
  }

  /// Connections that left while the rules were gone keep leaving untranslated until their
  /// tracking entries go; the next packet of each then takes Docker's rules.
  void clear_flows() {
    const auto cleaning = m_host.clock.now();
    const auto cleared = m_docker
                             ? clear_broken_flows(m_host.conntrack, m_docker.value(), m_families)
                             : Expected<std::size_t>(fail("Docker's API cannot tell its networks"));
    if (cleared)
      m_event.flows_cleared = cleared.value();
    else
      m_event.flows_error = cleared.error();
    m_event.times.flows = m_host.clock.now() - cleaning;
  }

  /// restart-docker's rules: nothing when the rules are there, one restart if not; with
  /// live-restore off, the containers that restart stops for good are named.
  ExitStatus fall_back(const std::string& why) {
    m_event.action = RestoreEvent::Action::FellBack;
    m_event.why_not = why;
    auto& systemd = *m_view.systemd().value();
    RestartOptions options;
    options.timeout = m_view.timeout();
    options.no_block = m_in_job;
    options.settle_companion_units = false;
    options.rules_grace = restart_rules_grace;
    options.dry_run = m_view.config().dry_run;
    auto& host = m_host;
    // Not settled again when the restore's judging just did.
    auto canary = [&] {
      return judge_settled(
          check_docker_rules(host.runner, m_families), [this] { return ask_dockerd(); },
          host.runner, host.clock, m_settled ? std::chrono::milliseconds(0) : view_settle);
    };
    m_event.fallback = restart_if_flushed(systemd, host.clock, canary, m_view.config(), options);
    name_stopped_for_good();
    m_event.times.total = since_start();
    if (m_event.fallback.action == RestartAction::Nothing) {
      host.out << to_line(m_event) << "\n";  // nothing done: said, not journaled
      return ExitStatus::Ok;
    }
    return report();
  }

  void name_stopped_for_good() {
    const auto action = m_event.fallback.action;
    // A failed outcome restarted too, or tried to.
    if (action != RestartAction::Restarted && action != RestartAction::Queued &&
        action != RestartAction::WouldRestart && action != RestartAction::Failed)
      return;
    if (m_view.docker_settings().settings.live_restore) return;
    auto before = m_docker ? m_docker : ask_dockerd();
    if (!before) {
      m_event.stopped_unknown = before.error();
      return;
    }
    auto stopped = stopped_by_restart(m_host.docker, m_view.docker_socket(), before.value(),
                                      docker_api_timeout);
    if (stopped)
      m_event.stopped_for_good = std::move(stopped).value();
    else
      m_event.stopped_unknown = stopped.error();
  }

  ExitStatus report() {
    const auto entry = journal_entry(m_event);
    report_event(m_host, m_view.config().metrics_file, entry, cost_of(m_event));
    if (!m_host.journal.holds_stdout()) m_host.out << entry.message << "\n";
    return ExitStatus::Ok;
  }

  HostView& m_view;
  Host& m_host;
  bool m_in_job;
  ManagedFamilies m_families;
  std::string m_path;
  std::chrono::steady_clock::time_point m_started;
  RestoreEvent m_event;
  Expected<Snapshot> m_snapshot = fail("not read");
  Expected<DockerView> m_docker = fail("not asked");
  Fit m_fit;
  std::map<std::string, std::size_t> m_written;  ///< each table as last written
  bool m_settled = false;  ///< the rules and dockerd's answers disagreed for all of view_settle
  bool m_keep_snapshot = false;
};

}  // namespace

ExitStatus run_restore(HostView& view, const std::string& firewall, bool in_job) {
  if (!is_valid_unit_name(firewall)) return refuse_firewall_name(view, firewall);
  auto& host = view.host();
  const auto families = event_families(view, firewall);
  if (!families) {
    unlink(snapshot_path(host.root, firewall).c_str());
    host.out << "restore: nothing done: " << families.error() << "\n";
    return ExitStatus::Ok;
  }
  return Restore(view, firewall, in_job, families.value()).run();
}

}  // namespace dfg
