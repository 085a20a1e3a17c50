#pragma once

#include "connection_tracking.h"

namespace dfg {

/// Connection tracking through libnetfilter_conntrack: one netlink dump per family, then one
/// delete message per broken entry, in the process's network namespace (no program run). The
/// addresses of this namespace's interfaces come from getifaddrs(3).
class NetfilterConntrack : public ConnectionTracking {
 public:
  Expected<std::size_t> remove_if(const std::function<bool(const TrackedFlow&)>& broken) override;
  Expected<std::vector<std::string>> local_addresses() override;
};

}  // namespace dfg
