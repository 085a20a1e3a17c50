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

}  // namespace dfg
