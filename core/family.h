#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace dfg {

/// An address family whose tables Docker writes: IPv4's are iptables', IPv6's ip6tables'.
enum class Family { IPv4, IPv6 };

/// Both families, in the order every listing of them uses.
constexpr Family all_families[] = {Family::IPv4, Family::IPv6};

/// "IPv4" or "IPv6", as the journal, the status and the snapshot file name it.
std::string family_name(Family family);

/// The family `name` (family_name's), or none.
std::optional<Family> parse_family(std::string_view name);

/// The family's iptables program, "iptables" or "ip6tables", followed by `suffix`: "-save"
/// and "-restore" name its save and restore programs.
std::string iptables_program(Family family, std::string_view suffix = {});

/// The family of an address or subnet as Docker and iptables-save print them: IPv6's hold a
/// colon.
Family family_of_address(std::string_view address);

/// The families Docker manages its rules for (see docker_settings.h and dockerd's flags), or
/// any other set of the two.
struct ManagedFamilies {
  bool ipv4 = true;
  bool ipv6 = false;

  bool has(Family family) const { return family == Family::IPv6 ? ipv6 : ipv4; }
  void add(Family family) { (family == Family::IPv6 ? ipv6 : ipv4) = true; }
  bool none() const { return !ipv4 && !ipv6; }
};

}  // namespace dfg
