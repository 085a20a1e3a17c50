#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "canary.h"
#include "docker_view.h"
#include "error.h"

namespace dfg {

/// One connection-tracking entry as the kernel keeps it: the original direction (as its first
/// packet went) and the reply direction (what an answer must look like; with source NAT, its
/// destination is the address the packet left with). Addresses as inet_ntop writes them.
struct TrackedFlow {
  bool ipv6 = false;
  std::string protocol;  ///< "tcp", "udp", "icmp", ... (for what is said)
  std::string orig_src, orig_dst, reply_src, reply_dst;
  std::uint16_t orig_sport = 0, orig_dport = 0, reply_sport = 0, reply_dport = 0;  ///< 0: none
};

/// The kernel's connection tracking in the guard's network namespace, narrowed to what the
/// cleanup needs: libnetfilter_conntrack over netlink in the command
/// (system/netfilter_conntrack.h), recorded entries in unit tests.
class ConnectionTracking {
 public:
  virtual ~ConnectionTracking() = default;
  /// Deletes every entry, IPv4 and IPv6, for which `broken` holds; how many went (an entry
  /// that expired meanwhile does not count), or an error naming what failed.
  virtual Expected<std::size_t> remove_if(
      const std::function<bool(const TrackedFlow&)>& broken) = 0;
  /// The addresses of this namespace's interfaces: traffic to them is delivered here and
  /// never source-NATed.
  virtual Expected<std::vector<std::string>> local_addresses() = 0;
};

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
