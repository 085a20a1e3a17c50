#include "family.h"

namespace dfg {

std::string family_name(Family family) { return family == Family::IPv6 ? "IPv6" : "IPv4"; }

std::optional<Family> parse_family(std::string_view name) {
  for (const auto family : all_families)
    if (name == family_name(family)) return family;
  return std::nullopt;
}

std::string iptables_program(Family family, std::string_view suffix) {
  return (family == Family::IPv6 ? "ip6tables" : "iptables") + std::string(suffix);
}

Family family_of_address(std::string_view address) {
  return address.find(':') != std::string_view::npos ? Family::IPv6 : Family::IPv4;
}

}  // namespace dfg
