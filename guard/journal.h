#pragma once

#include <string>
#include <utility>
#include <vector>

#include "restart.h"

namespace dfg {

/// One structured journal entry: MESSAGE, MESSAGE_ID, PRIORITY (syslog's numbers) and
/// fields of its own, SYSLOG_IDENTIFIER docker-firewall-guard.
struct JournalEntry {
  std::string message;
  std::string message_id;
  int priority = 6;  ///< LOG_INFO
  std::vector<std::pair<std::string, std::string>> fields;

  /// The value of `field`, or "" (for tests and readers).
  std::string field(const std::string& name) const;
};

/// Where the decisions' journal entries go: sd-journal in the command (system/sd_journal.h),
/// a recorder in unit tests. Sending never fails the caller: a line that mattered went to
/// stdout too.
class Journal {
 public:
  virtual ~Journal() = default;
  virtual void send(const JournalEntry& entry) = 0;
  /// Whether standard output already goes to the journal (a service's): a line journaled
  /// with fields need not be printed there too.
  virtual bool holds_stdout() const = 0;
};

/// The MESSAGE_ID of every outcome of restart-docker and of the hooks
/// (journalctl MESSAGE_ID=...).
extern const char* const restart_message_id;

/// The MESSAGE_ID of every restore (and fallback) of the `reconcile` strategy
/// (restore_event.h renders its entries).
extern const char* const restore_message_id;

/// The MESSAGE_ID of every cleanup of connection tracking (clear-flows, after Docker starts).
extern const char* const flows_message_id;

/// One restart outcome: MESSAGE is to_line(outcome); fields GUARDED_UNIT, FIREWALL_UNITS,
/// ACTION, RULES_BEFORE and RULES_AFTER; priority notice for a restart, warning for a
/// failure or an unknown, info otherwise.
JournalEntry restart_entry(const RestartOutcome& outcome, const std::string& firewalls);

/// One clear-flows line: fields GUARDED_UNIT, ACTION ("flows cleared", or "failed"),
/// FLOWS_CLEARED; info, or warning for a failure.
JournalEntry flows_entry(const std::string& message, const std::string& service, bool failed,
                         std::size_t cleared);

}  // namespace dfg
