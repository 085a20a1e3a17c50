#pragma once

#include <cstddef>
#include <string>

#include "journal_sink.h"
#include "restart.h"

namespace dfg {

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
