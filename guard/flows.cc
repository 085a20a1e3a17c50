#include "flows.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <exception>
#include <optional>
#include <string>

namespace dfg {
namespace {

/// An address as bytes (4 or 16), or nothing when `text` is not one.
struct Address {
  Family family = Family::IPv4;
  std::array<unsigned char, 16> bytes{};
};

std::optional<Address> parse_address(const std::string& text) {
  Address a;
  a.family = family_of_address(text);
  if (inet_pton(a.family == Family::IPv6 ? AF_INET6 : AF_INET, text.c_str(), a.bytes.data()) != 1)
    return {};
  return a;
}

/// Whether `address` is in `prefix` ("172.17.0.0/16", "fd00::/64"); false for either malformed.
bool in_prefix(const Address& address, const std::string& prefix) {
  const auto slash = prefix.find('/');
  if (slash == std::string::npos) return false;
  const auto network = parse_address(prefix.substr(0, slash));
  if (!network || network->family != address.family) return false;
  const int max_bits = address.family == Family::IPv6 ? 128 : 32;
  int bits = 0;
  try {
    bits = std::stoi(prefix.substr(slash + 1));
  } catch (const std::exception&) {
    return false;
  }
  if (bits < 0 || bits > max_bits) return false;
  for (std::size_t i = 0; i < static_cast<std::size_t>(bits); ++i) {
    const auto mask = static_cast<unsigned char>(0x80u >> (i % 8));
    if ((address.bytes[i / 8] & mask) != (network->bytes[i / 8] & mask)) return false;
  }
  return true;
}

/// Multicast, or IPv4's broadcast: delivered here or on the link, never forwarded through NAT.
bool multicast_or_broadcast(const Address& a) {
  if (a.family == Family::IPv6) return a.bytes[0] == 0xff;
  return (a.bytes[0] & 0xf0) == 0xe0 ||
         (a.bytes[0] == 255 && a.bytes[1] == 255 && a.bytes[2] == 255 && a.bytes[3] == 255);
}

bool same_address(const std::string& a, const std::string& b) {
  const auto x = parse_address(a);
  const auto y = parse_address(b);
  return x && y && x->family == y->family && x->bytes == y->bytes;
}

}  // namespace

std::vector<std::string> masqueraded_subnets(const DockerView& view, ManagedFamilies families) {
  std::vector<std::string> subnets;
  for (const auto& network : view.networks) {
    for (const auto& subnet : network.subnets) {
      const auto family = family_of_address(subnet);
      if (families.has(family) && network.masquerades(family)) subnets.push_back(subnet);
    }
  }
  return subnets;
}

bool left_without_nat(const TrackedFlow& flow, const std::vector<std::string>& subnets,
                      const std::vector<std::string>& local) {
  // Translated in either direction (source NAT, DNAT, a port mapped): Docker's rules or
  // someone's saw it.
  if (!same_address(flow.reply_src, flow.orig_dst) ||
      !same_address(flow.reply_dst, flow.orig_src) || flow.reply_sport != flow.orig_dport ||
      flow.reply_dport != flow.orig_sport)
    return false;
  const auto src = parse_address(flow.orig_src);
  const auto dst = parse_address(flow.orig_dst);
  if (!src || !dst || multicast_or_broadcast(*dst)) return false;
  // The host's own traffic (a bridge's gateway address is the host's), or traffic to it.
  if (std::any_of(local.begin(), local.end(), [&](const std::string& a) {
        return same_address(a, flow.orig_dst) || same_address(a, flow.orig_src);
      }))
    return false;
  return std::any_of(subnets.begin(), subnets.end(), [&](const std::string& subnet) {
    return in_prefix(*src, subnet) && !in_prefix(*dst, subnet);
  });
}

Expected<std::size_t> clear_broken_flows(ConnectionTracking& tracking, const DockerView& view,
                                         ManagedFamilies families) {
  const auto subnets = masqueraded_subnets(view, families);
  if (subnets.empty()) return std::size_t{0};
  const auto local = tracking.local_addresses();
  if (!local) return fail(local);
  return tracking.remove_if(
      [&](const TrackedFlow& flow) { return left_without_nat(flow, subnets, local.value()); });
}

}  // namespace dfg
