#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "canary.h"
#include "clock.h"
#include "config.h"
#include "exit_status.h"
#include "systemd.h"

namespace dfg {

/// What restart-docker did (or would do) for the guarded service.
enum class RestartAction {
  Nothing,       ///< nothing was wrong, or nothing to act on (the reason says which)
  Waited,        ///< a job systemd had queued already brought the rules back
  WouldRestart,  ///< dry run: the rules are gone and a restart would be due
  Restarted,     ///< restarted, and the rules are back
  Queued,        ///< no_block: a restart is queued, not waited for
  Failed,        ///< the restart failed or did not bring the rules back
  Unknown,       ///< could not tell (canary or systemd), so nothing was done
};

std::string_view to_string(RestartAction action);

struct RestartOutcome {
  std::string service;
  RestartAction action = RestartAction::Nothing;
  RulesState rules_before = RulesState::Unknown;
  RulesState rules_after = RulesState::Unknown;
  std::string reason;  ///< one line an administrator can act on
};

struct RestartOptions {
  bool dry_run = false;
  std::chrono::milliseconds timeout = std::chrono::seconds(90);  ///< per wait
  /// Queue the restart and wait for no job: for callers inside a firewall's own job (its
  /// ExecStopPost=), where waiting for jobs ordered after it would only time out, and for
  /// rpm's triggers, which must not hold the transaction. With settle_companion_units, a job of
  /// a firewall or companion then means doing nothing: it acts first.
  bool no_block = false;
  /// Wait for (or, with no_block, leave it to) the jobs of the firewalls and of strategy
  /// reconcile's companions. Off for the in-job restore's fallback: restores of two
  /// firewalls waiting for each other would only time out.
  bool settle_companion_units = true;
  /// How long a finished restart may take to show its rules; the canary is asked again
  /// every 100 ms until then. (With live-restore and running containers, Docker before the
  /// fix of moby/moby#48560 never re-creates DOCKER-USER: the canary then stays "flushed"
  /// and the outcome is Failed after this grace, though the containers work.)
  std::chrono::milliseconds rules_grace{0};
};

/// The grace the command gives a restarted Docker to write its rules.
constexpr std::chrono::seconds restart_rules_grace{10};

/// Restarts the guarded service of `config` when Docker's rules are gone, by these rules:
/// 1. nothing when the system is shutting down, the service is not active, Docker manages
///    no rules, or the canary finds them present;
/// 2. never two restarts for one firewall event: jobs systemd already queued for a firewall,
///    its companions (strategy reconcile) or the service are waited for first and the canary
///    asked again (the caller also holds a lock, so a second run at the same moment finds the
///    rules back);
/// 3. a restart is a try-restart job waited for up to the timeout, then the canary again;
/// 4. reset-failed first, so Docker's start limit never leaves it failed;
/// 5. with dry_run, says what it would do and changes nothing.
/// `canary` checks Docker's rules (HostView::canary in the command).
RestartOutcome restart_if_flushed(Systemd& systemd, Clock& clock,
                                  const std::function<CanaryResult()>& canary, const Config& config,
                                  const RestartOptions& options);

/// The exit status for an outcome: Problem when the rules are gone and stay gone (a failed
/// restart, or a dry run that would restart), Unknown when something could not be told,
/// else Ok.
ExitStatus exit_status(const RestartOutcome& outcome);

/// One line for stdout and the journal: "SERVICE: ACTION: REASON".
std::string to_line(const RestartOutcome& outcome);

}  // namespace dfg
