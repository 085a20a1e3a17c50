#pragma once

#include <string>
#include <string_view>

#include "canary.h"
#include "error.h"
#include "exit_status.h"
#include "host_view.h"
#include "process_runner.h"
#include "ruleset.h"
#include "snapshot_file.h"

namespace dfg {

/// The snapshot file of `firewall` (a valid unit name) under `root`, in runtime::snapshot_dir.
std::string snapshot_path(std::string_view root, const std::string& firewall);

/// The families a firewall unit's events flush, of those Docker manages: iptables.service
/// IPv4 only, ip6tables.service IPv6 only (as EL's iptables-services splits them), any other
/// unit (nftables.service's `flush ruleset`) both.
ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed);

/// The families whose rules the canary found present.
ManagedFamilies present_families(const CanaryResult& rules);

/// What `snapshot` and `restore` both ask before acting: the families `firewall` flushes,
/// when the system is not shutting down, the Docker service runs and Docker manages rules
/// there; otherwise the line that says why nothing is done.
Expected<ManagedFamilies> companion_families(HostView& view, const std::string& firewall);

/// Usage, with "--firewall NAME: problem" on err: `snapshot` and `restore` take unit names.
ExitStatus refuse_firewall_name(HostView& view, const std::string& firewall);

/// The live tables of one family ("IPv4": iptables-save, "IPv6": ip6tables-save), parsed.
Expected<Ruleset> save_family(ProcessRunner& runner, const std::string& family);

/// Docker's part of the live tables of each family in `families`, stamped with the rest of
/// `stamp`; its rules keep the places they had in `earlier` (the cycle's snapshot before,
/// when there is one) where the firewall's own rules are away (keep_places).
Expected<Snapshot> take_snapshot(ProcessRunner& runner, ManagedFamilies families, Snapshot stamp,
                                 const Snapshot* earlier = nullptr);

}  // namespace dfg
