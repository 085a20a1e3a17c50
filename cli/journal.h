#pragma once

#include <string>

#include "reconcile.h"

namespace dfg {

/// The MESSAGE_ID of every reconcile outcome in the journal (journalctl MESSAGE_ID=...).
extern const char* const reconcile_message_id;

/// Sends one outcome to the journal: MESSAGE is to_line(outcome); fields GUARDED_UNIT,
/// FIREWALL_UNITS, ACTION, RULES_BEFORE and RULES_AFTER; priority notice for a restart,
/// warning for a failure or an unknown, info otherwise. A journal that cannot be reached
/// is not an error: the line went to stdout too.
void journal_outcome(const ReconcileOutcome& outcome, const std::string& firewalls);

/// Whether standard output already goes to the journal (a service's, as systemd's
/// JOURNAL_STREAM says): a line journaled with fields need not be printed there too.
bool stdout_is_journal();

/// The MESSAGE_ID of every restore (and fallback) of the `reconcile` strategy.
extern const char* const restore_message_id;

/// Sends one restore line: fields GUARDED_UNIT, FIREWALL_UNIT, ACTION ("restored", or the
/// fallback's reconcile action) and RULES (how many were put back).
void journal_restore(const std::string& message, const std::string& service,
                     const std::string& firewall, const std::string& action, std::size_t rules);

}  // namespace dfg
