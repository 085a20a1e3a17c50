#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "error.h"
#include "family.h"
#include "ruleset.h"

namespace dfg {

/// Docker's part of the rules, saved just before a firewall unit flushes them, with what
/// tells whether it may still be put back: the dockerd that wrote them and when it was taken.
struct Snapshot {
  std::string firewall;             ///< the firewall unit whose event took it
  std::uint32_t dockerd_pid = 0;    ///< dockerd's process ...
  std::uint64_t dockerd_start = 0;  ///< ... and its start time (/proc/PID/stat, ticks)
  std::uint64_t taken_ms = 0;       ///< CLOCK_BOOTTIME when taken, in ms
  /// What dockerd held when it was taken, as the guard renders it (one line each, no
  /// newline); empty when dockerd did not answer then.
  std::vector<std::string> held;
  std::vector<std::pair<Family, Ruleset>> families;  ///< each family's docker_part
};

/// The snapshot file of `firewall` (a valid unit name) under `root`, in runtime::snapshot_dir.
std::string snapshot_path(std::string_view root, const std::string& firewall);

/// The largest snapshot written or read: iptables-save's output, which holds it, is read up
/// to as much (the runner's cap), so whatever Docker's part was fits.
constexpr std::size_t max_snapshot_size = 16 * 1024 * 1024;

/// The file's text: a header line, "key value" lines ("held LINE" for each of `held`), then
/// each family's rules in iptables-save's format, each followed by the places of its rules in
/// built-in chains ("after TABLE CHAIN N K SPEC": the chain's Nth saved rule followed the Kth
/// copy of SPEC) and
/// the chains of others they jump to ("others TABLE CHAIN"), and "end", so a truncated file is
/// told from a whole one.
std::string render_snapshot(const Snapshot& snapshot);

/// Reads what render_snapshot wrote; anything else (another version, a missing key, a
/// truncated or altered file, rules that do not parse, a rule that is not Docker's) is an
/// error naming the line.
Expected<Snapshot> parse_snapshot(std::string_view text);

}  // namespace dfg
