#pragma once

#include <string>

#include "error.h"
#include "exit_status.h"
#include "family.h"
#include "host_view.h"

namespace dfg {

/// The families a firewall unit's events flush, of those Docker manages: iptables.service
/// IPv4 only, ip6tables.service IPv6 only (as EL's iptables-services splits them), any other
/// unit (nftables.service's `flush ruleset`) both.
ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed);

/// What `snapshot` and `restore` both ask before acting: the families `firewall` flushes,
/// when the system is not shutting down, the Docker service runs and Docker manages rules
/// there; otherwise the line that says why nothing is done.
Expected<ManagedFamilies> event_families(HostView& view, const std::string& firewall);

/// Usage, with "--firewall NAME: problem" on err: `snapshot` and `restore` take unit names.
ExitStatus refuse_firewall_name(HostView& view, const std::string& firewall);

}  // namespace dfg
