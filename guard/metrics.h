#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "journal_sink.h"
#include "restore_event.h"

namespace dfg {

struct Host;

/// What one event cost, as the metrics file adds it up: a restore (or its fallback) of one
/// firewall's event, or a cleanup after Docker started.
struct EventCost {
  enum class Kind { Restore, DockerStart };
  Kind kind = Kind::Restore;
  std::string firewall;  ///< a restore's firewall unit
  /// What a restore did; when it fell back, `fallback` says what restart-docker's rules did.
  RestoreEvent::Action action = RestoreEvent::Action::FellBack;
  std::size_t rules = 0;                   ///< rules put back
  std::size_t flows_cleared = 0;           ///< connection-tracking entries deleted
  std::optional<double> seconds;           ///< the whole restore, from the process's start
  std::optional<double> put_back_seconds;  ///< until the rules were back
  RestartAction fallback = RestartAction::Nothing;
};

/// What the metrics file adds up of a restore.
EventCost cost_of(const RestoreEvent& event);

/// The events' costs as node_exporter's textfile collector reads them (Prometheus' text
/// format), added up. Counters (since the file was made):
/// docker_firewall_guard_restores_total{firewall,action}, _rules_restored_total{firewall},
/// _flows_cleared_total{by} (by: "restore" or "docker start"); gauges of the last restore of
/// each firewall: _last_restore_seconds, _last_put_back_seconds, _last_restore_ok (1: rules
/// back without a Docker restart). Returns the new file's text from the old one's (lines of
/// other metrics are dropped).
std::string add_to_metrics(std::string_view old_text, const EventCost& cost);

/// Adds `cost` to the metrics file at `path` (read, added, written through a temporary file
/// and rename(2), under runtime::metrics_lock); "" does nothing. A failure is said on
/// host.err, never returned: metrics never fail an event.
void record_metrics(Host& host, const std::string& path, const EventCost& cost);

/// An event said once: `entry` to the journal, and its `cost` added to the metrics file at
/// `path`.
void report_event(Host& host, const std::string& path, const JournalEntry& entry,
                  const EventCost& cost);

}  // namespace dfg
