#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "journal_sink.h"
#include "restart.h"

namespace dfg {

/// What one restore of a firewall's event did, as its stages found it: the line on stdout,
/// the journal entry and the metrics file are each rendered from it, and from nothing else.
struct RestoreEvent {
  enum class Action {
    Restored,      ///< the snapshot went back, fitted, and the canary found the rules there
    WouldRestore,  ///< dry run: what would have gone back
    FellBack,      ///< it could not; restart-docker's rules decided (`fallback`)
  };
  std::string service, firewall;
  Action action = Action::FellBack;

  std::size_t put_back = 0;  ///< rules written, each table counted once, as last written
  /// Why each rule of the snapshot that was left out went ("IPv4 nat -A DOCKER ... (no
  /// running container has 172.17.0.2)"): of what dockerd held then and holds no more.
  std::vector<std::string> dropped;
  /// Rules not put back because dockerd did not answer (hold_back_containers).
  std::vector<std::string> held_back;
  /// Rules put back as saved that name what dockerd lists nowhere (FittedRules::unexplained).
  std::vector<std::string> unexplained;
  /// Jumps to chains of others that the flush deleted, left to their owners.
  std::vector<std::string> left_to_owners;
  std::vector<std::string> in_place;  ///< tables that held it all, not rewritten ("IPv4 nat")
  /// How the snapshot was judged when not by what changed since it was taken, or "".
  std::string judged_by;

  std::optional<std::size_t> flows_cleared;  ///< connection-tracking entries deleted
  std::string flows_error;                   ///< why they could not be, or ""

  std::string why_not;      ///< FellBack: why the snapshot did not go back
  RestartOutcome fallback;  ///< FellBack: what restart-docker's rules did
  /// FellBack with a restart and live-restore off: the containers Docker stops for good (no
  /// restart policy that starts them again), or why they cannot be told.
  std::vector<std::string> stopped_for_good;
  std::string stopped_unknown;

  /// Where the time went, each from the process's start (as the firewall's job feels it) or
  /// the step's own.
  struct Times {
    std::chrono::steady_clock::duration ready{}, ask{}, save{}, write{}, flows{};
    std::optional<std::chrono::steady_clock::duration> put_back_at, total;
  } times;
};

/// ACTION as the journal and the metrics file have it: "restored", "would restore", or, when
/// it fell back, the fallback's action ("nothing to do", "restart queued", ...).
std::string to_string(RestoreEvent::Action action, RestartAction fallback);

/// The one line said on stdout and as the journal's MESSAGE.
std::string to_line(const RestoreEvent& event);

/// The journal entry: MESSAGE_ID restore_message_id; fields GUARDED_UNIT, FIREWALL_UNIT,
/// ACTION, RULES, RULES_DROPPED, RULES_HELD_BACK, RULES_UNEXPLAINED, RULES_LEFT_TO_OWNERS,
/// FLOWS_CLEARED, STOPPED_FOR_GOOD, and READY_MS, ASK_MS, SAVE_MS, WRITE_MS, PUT_BACK_MS,
/// FLOWS_MS, DURATION_MS when known; info for a restore, warning when something was held
/// back or a fallback could not tell, notice otherwise.
JournalEntry journal_entry(const RestoreEvent& event);

}  // namespace dfg
