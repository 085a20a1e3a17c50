#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "connection_tracking.h"
#include "docker_view.h"
#include "error.h"
#include "family.h"

namespace dfg {

/// Where Docker source-NATs what leaves: the subnets of its networks that masquerade
/// (NetworkView::masquerades: a bridge, not internal, in a NAT gateway mode), each for its
/// own family, in the families whose rules Docker manages (`families`): with "ip6tables":
/// false Docker translates no IPv6, and its containers' IPv6 flows are routed, not broken.
std::vector<std::string> masqueraded_subnets(const DockerView& view, ManagedFamilies families);

/// Whether `flow` went out while Docker's NAT rules were gone, so that every packet that
/// matches it still leaves with the container's own address: it began in one of `subnets` but
/// not at one of `local` (the host's addresses, a bridge's gateway among them), goes outside
/// that subnet, to none of `local` and to no multicast or broadcast address, and it was not
/// translated at all (its reply direction mirrors the original). Never one that Docker's
/// rules translated, one local to a bridge, or one of a network without masquerading.
bool left_without_nat(const TrackedFlow& flow, const std::vector<std::string>& subnets,
                      const std::vector<std::string>& local);

/// Deletes the entries left_without_nat judges broken, for the networks of `view` in
/// `families`; how many went. The next packet of such a flow makes a new entry, through
/// Docker's rules.
Expected<std::size_t> clear_broken_flows(ConnectionTracking& tracking, const DockerView& view,
                                         ManagedFamilies families);

}  // namespace dfg
