#include "restart.h"

#include <algorithm>
#include <optional>

#include "join.h"
#include "plan.h"
namespace dfg {
namespace {

RestartOutcome outcome(const std::string& service, RestartAction action, RulesState before,
                       RulesState after, std::string reason) {
  return {service, action, before, after, std::move(reason)};
}

/// Waits out every job systemd has queued for the firewalls and the service (a restart
/// that Requires= propagation or the firewall's own package already set in motion).
/// Returns the units that had one, or an error.
Expected<std::vector<std::string>> wait_for_queued_jobs(Systemd& systemd,
                                                        const std::vector<std::string>& units,
                                                        std::chrono::milliseconds timeout) {
  std::vector<std::string> waited;
  for (const auto& name : units) {
    const auto status = systemd.unit(name);
    if (!status || status.value().job_type.empty()) continue;
    waited.push_back(name + " (" + status.value().job_type + ")");
    if (auto idle = systemd.wait_until_idle(name, timeout); !idle) return fail(idle);
  }
  return waited;
}

/// Rule 2's units: the firewalls and, with strategy reconcile unless settle_companion_units is
/// off, their companions.
std::vector<std::string> units_to_settle(const Config& config, const RestartOptions& options) {
  std::vector<std::string> units = config.firewalls;
  if (config.strategy == Strategy::Reconcile && options.settle_companion_units) {
    for (const auto& firewall : config.firewalls) {
      const auto companions = companions_of(firewall);
      units.push_back(companions.before);
      units.push_back(companions.after);
    }
  }
  return units;
}

/// Not waiting (the rpm triggers): a firewall or companion still in a job (a firewall
/// whose in-job restore runs, say) acts first; a later run judges what it left. A
/// restore's fallback (settle_companion_units off) runs inside such a job and goes on.
std::optional<RestartOutcome> left_to_a_job(Systemd& systemd, const std::string& service,
                                            const std::vector<std::string>& units) {
  for (const auto& name : units) {
    const auto status = systemd.unit(name);
    if (status && !status.value().job_type.empty()) {
      return outcome(service, RestartAction::Nothing, RulesState::Unknown, RulesState::Unknown,
                     name + " has a " + status.value().job_type + " job; it acts first");
    }
  }
  return std::nullopt;
}

/// Rule 1 for the service itself: nothing to do when it is not running, not installed or
/// masked, or (not waiting) has a job queued already.
std::optional<RestartOutcome> left_alone(const std::string& service, const UnitStatus& unit,
                                         const RestartOptions& options) {
  const auto U = RulesState::Unknown;
  using A = RestartAction;
  if (options.no_block && !unit.job_type.empty()) {
    return outcome(service, A::Nothing, U, U,
                   "a " + unit.job_type + " job is queued for it already");
  }
  // A masked unit is the administrator's "never start this": not even a restart.
  if (unit.load_state == "masked") return outcome(service, A::Nothing, U, U, "masked; left alone");
  if (unit.load_state != "loaded")
    return outcome(service, A::Nothing, U, U, "not installed (" + unit.load_state + ")");
  if (unit.active_state != "active")
    return outcome(service, A::Nothing, U, U,
                   "not running (" + unit.active_state + "); its rules come with its start");
  return std::nullopt;
}

/// Rule 1 for the rules: the outcome when the canary finds them anything but flushed.
/// `waited` names the jobs waited for.
std::optional<RestartOutcome> not_flushed(const std::string& service, const CanaryResult& before,
                                          const std::vector<std::string>& waited) {
  const auto state = before.overall();
  using A = RestartAction;
  switch (state) {
    case RulesState::NotManaged:
      return outcome(service, A::Nothing, state, state, "Docker manages no firewall rules");
    case RulesState::Unknown:
      return outcome(service, A::Unknown, state, state,
                     "cannot tell whether Docker's rules are there (" + describe(before) +
                         "); not restarting");
    case RulesState::Present:
      if (!waited.empty()) {
        return outcome(
            service, A::Waited, state, state,
            "Docker's rules are present after systemd's queued jobs: " + join(waited, ", "));
      }
      return outcome(service, A::Nothing, state, state, "Docker's rules are present");
    case RulesState::Flushed: break;
  }
  return std::nullopt;
}

/// After a finished restart (`done`), the canary is asked again every 100 ms until the
/// rules are back or the grace is over.
CanaryResult rules_after_restart(Clock& clock, const std::function<CanaryResult()>& canary,
                                 std::chrono::milliseconds grace, bool done) {
  auto after = canary();
  const auto grace_end = clock.now() + grace;
  while (done && after.overall() == RulesState::Flushed && clock.now() < grace_end) {
    clock.sleep_for(std::chrono::milliseconds(100));
    after = canary();
  }
  return after;
}

/// Rules 3, 4 and 5 for rules the canary found flushed (`before`).
RestartOutcome restart(Systemd& systemd, Clock& clock, const std::function<CanaryResult()>& canary,
                       const std::string& service, const CanaryResult& before,
                       const RestartOptions& options) {
  const auto state = before.overall();
  using A = RestartAction;
  if (options.dry_run) {
    return outcome(service, A::WouldRestart, state, state,
                   "Docker's rules are gone (" + describe(before) + "); would restart " + service +
                       " (dry run)");
  }
  // Rule 4: a restart never hits the start limit, however many firewall events came before.
  const auto reset = systemd.reset_failed(service);
  const auto result = systemd.try_restart(
      service, options.no_block ? std::chrono::milliseconds(0) : options.timeout);
  if (!result) {
    return outcome(service, A::Failed, state, RulesState::Unknown,
                   result.error() + (reset ? "" : "; " + reset.error()));
  }
  if (options.no_block) {
    return outcome(
        service, A::Queued, state, RulesState::Unknown,
        "Docker's rules are gone (" + describe(before) + "); queued a restart of " + service);
  }
  const auto after =
      rules_after_restart(clock, canary, options.rules_grace, result.value() == "done");
  if (result.value() != "done") {
    return outcome(service, A::Failed, state, after.overall(),
                   "the restart of " + service + " ended with '" + result.value() + "'");
  }
  if (after.overall() != RulesState::Present) {
    return outcome(service, A::Failed, state, after.overall(),
                   "restarted, but Docker's rules are still not there (" + describe(after) + ")");
  }
  return outcome(service, A::Restarted, state, after.overall(),
                 "Docker's rules were gone; restarted " + service + ", they are back");
}

RestartOutcome restart_one(Systemd& systemd, Clock& clock,
                           const std::function<CanaryResult()>& canary, const Config& config,
                           const RestartOptions& options) {
  const auto& service = config.service;
  const auto U = RulesState::Unknown;

  // Rule 2: let what systemd is already doing finish before judging.
  auto units = units_to_settle(config, options);
  if (options.no_block && options.settle_companion_units) {
    if (auto busy = left_to_a_job(systemd, service, units)) return *busy;
  }
  units.push_back(service);
  const auto waited = options.no_block
                          ? Expected<std::vector<std::string>>(std::vector<std::string>{})
                          : wait_for_queued_jobs(systemd, units, options.timeout);
  if (!waited) return outcome(service, RestartAction::Unknown, U, U, waited.error());

  // Rule 1.
  const auto unit = systemd.unit(service);
  if (!unit) return outcome(service, RestartAction::Unknown, U, U, unit.error());
  if (auto alone = left_alone(service, unit.value(), options)) return *alone;
  const auto before = canary();
  if (auto judged = not_flushed(service, before, waited.value())) return *judged;
  return restart(systemd, clock, canary, service, before, options);
}

}  // namespace

std::string_view to_string(RestartAction action) {
  switch (action) {
    case RestartAction::Nothing: return "nothing to do";
    case RestartAction::Waited: return "waited";
    case RestartAction::WouldRestart: return "would restart";
    case RestartAction::Restarted: return "restarted";
    case RestartAction::Queued: return "restart queued";
    case RestartAction::Failed: return "failed";
    case RestartAction::Unknown: return "unknown";
  }
  return "unknown";
}

RestartOutcome restart_if_flushed(Systemd& systemd, Clock& clock,
                                  const std::function<CanaryResult()>& canary, const Config& config,
                                  const RestartOptions& options) {
  const auto system = systemd.system_state();
  if (system && system.value() == "stopping") {
    return outcome(config.service, RestartAction::Nothing, RulesState::Unknown, RulesState::Unknown,
                   "the system is shutting down");
  }
  return restart_one(systemd, clock, canary, config, options);
}

ExitStatus exit_status(const RestartOutcome& outcome) {
  switch (outcome.action) {
    case RestartAction::Failed:
    case RestartAction::WouldRestart: return ExitStatus::Problem;
    case RestartAction::Unknown: return ExitStatus::Unknown;
    default: return ExitStatus::Ok;
  }
}

std::string to_line(const RestartOutcome& o) {
  return o.service + ": " + std::string(to_string(o.action)) + ": " + o.reason;
}

}  // namespace dfg
