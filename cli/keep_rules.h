#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "canary.h"
#include "error.h"
#include "process.h"
#include "snapshot.h"

namespace dfg {

/// Where the `reconcile` strategy keeps its snapshots: one file per firewall unit, named
/// after it, mode 0600, in a directory of mode 0700. Under /run: gone at reboot.
extern const char* const snapshot_dir;

/// The snapshot file of `firewall` (a valid unit name) under `root`.
std::string snapshot_path(std::string_view root, const std::string& firewall);

/// The families a firewall unit's events flush, of those Docker manages: iptables.service
/// IPv4 only, ip6tables.service IPv6 only (as EL's iptables-services splits them), any other
/// unit (nftables.service's `flush ruleset`) both.
ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed);

/// The dockerd that wrote the rules: MainPID and its start time, field 22 of
/// /proc/PID/stat under `root`, so a restarted dockerd is told apart even with the same PID.
Expected<std::uint64_t> process_start_time(std::string_view root, std::uint32_t pid);

/// CLOCK_BOOTTIME in ms: snapshot ages, suspend included.
std::uint64_t boot_clock_ms();

/// Docker's part of the live tables of each family in `families` (iptables-save,
/// ip6tables-save, then docker_part), stamped with the rest of `stamp`.
Expected<Snapshot> take_snapshot(ProcessRunner& runner, ManagedFamilies families, Snapshot stamp);

/// Puts a snapshot back: per family, the tables as they are now (iptables-save), then one
/// `iptables-restore --wait=5 --noflush` per table with plan_restore's script on its standard
/// input. Returns the number of rules written, or an error naming the family and table with
/// iptables-restore's own message. Tables before a failed one stay restored.
Expected<std::size_t> restore_snapshot(ProcessRunner& runner, const Snapshot& snapshot);

}  // namespace dfg
