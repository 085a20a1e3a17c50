#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "error.h"
#include "family.h"

namespace dfg {

/// One connection-tracking entry as the kernel keeps it: the original direction (as its first
/// packet went) and the reply direction (what an answer must look like; with source NAT, its
/// destination is the address the packet left with). Addresses as inet_ntop writes them.
struct TrackedFlow {
  Family family = Family::IPv4;
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

}  // namespace dfg
