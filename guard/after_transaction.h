#pragma once

#include <istream>
#include <string>
#include <string_view>
#include <vector>

#include "config.h"
#include "error.h"

namespace dfg {

/// What a package transaction did to one package, as the hooks report it. Out: it went out
/// of the system, upgraded, downgraded, reinstalled or removed (all dnf 5's actions tell).
enum class PackageAction { Install, Upgrade, Downgrade, Reinstall, Remove, Out };

struct PackageChange {
  std::string name;
  PackageAction action;
};

/// Parses one "--changed NAME:ACTION" value; ACTION is install, upgrade, downgrade,
/// reinstall, remove or out. The error names the value and says what was expected.
Expected<PackageChange> parse_package_change(std::string_view value);

/// The changes that concern the guard: a package of [hook] packages upgraded, downgraded,
/// reinstalled or removed (each can restart or stop its firewall unit; an install cannot
/// touch a running one). Empty when the hooks are off.
std::vector<PackageChange> relevant_changes(const std::vector<PackageChange>& changes,
                                            const Config& config);

/// The unit files of [guard] firewalls among `paths` (as rpm's file triggers list what a
/// transaction installed or removed): a package that ships a firewall's unit changed, so
/// the firewall may have been restarted or stopped. Empty when the hooks are off.
std::vector<std::string> firewall_unit_files(const std::vector<std::string>& paths,
                                             const Config& config);

/// The lines of `in`, without their ends; empty lines dropped.
std::vector<std::string> read_lines(std::istream& in);

}  // namespace dfg
