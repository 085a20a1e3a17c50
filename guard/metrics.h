#pragma once

#include <string>
#include <string_view>

#include "journal.h"

namespace dfg {

struct Host;

/// The events' costs as node_exporter's textfile collector reads them (Prometheus' text
/// format): each journal entry of a restore, a fallback or clear-flows, added up. Counters
/// (since the file was made): docker_firewall_guard_restores_total{firewall,action},
/// _rules_restored_total{firewall}, _flows_cleared_total{by} (by: "restore" or "docker
/// start"); gauges of the last restore of each firewall: _last_restore_seconds,
/// _last_put_back_seconds, _last_restore_ok (1: rules back without a Docker restart).
/// Returns the new file's text from the old one's (lines of other metrics are dropped).
std::string add_to_metrics(std::string_view old_text, const JournalEntry& entry);

/// Adds `entry` to the metrics file at `path` (read, added, written through a temporary file
/// and rename(2), under runtime::metrics_lock); "" does nothing. A failure is said on
/// host.err, never returned: metrics never fail an event.
void record_metrics(Host& host, const std::string& path, const JournalEntry& entry);

/// An event's cost, said once: `entry` to the journal, and added to the metrics file at `path`.
void report_event(Host& host, const std::string& path, const JournalEntry& entry);

}  // namespace dfg
