#include "after_transaction.h"

#include <algorithm>

#include "package_name.h"

namespace dfg {
namespace {

struct ActionName {
  const char* name;
  PackageAction action;
};

constexpr ActionName action_names[] = {
    {"install", PackageAction::Install},     {"upgrade", PackageAction::Upgrade},
    {"downgrade", PackageAction::Downgrade}, {"reinstall", PackageAction::Reinstall},
    {"remove", PackageAction::Remove},       {"out", PackageAction::Out},
};

}  // namespace

Expected<PackageChange> parse_package_change(std::string_view value) {
  auto fail = [&](const std::string& why) {
    return Expected<PackageChange>::failure("--changed '" + std::string(value) + "': " + why);
  };
  const auto colon = value.rfind(':');
  if (colon == std::string_view::npos) return fail("expected NAME:ACTION");
  const auto name = value.substr(0, colon), action = value.substr(colon + 1);
  if (!is_package_name(name)) return fail("'" + std::string(name) + "' is not a package name");
  for (const auto& a : action_names) {
    if (action == a.name) return PackageChange{std::string(name), a.action};
  }
  return fail("ACTION must be one of install, upgrade, downgrade, reinstall, remove, out");
}

std::vector<PackageChange> relevant_changes(const std::vector<PackageChange>& changes,
                                            const Config& config) {
  std::vector<PackageChange> out;
  if (!config.hook_enabled) return out;
  for (const auto& change : changes) {
    const bool watched = std::find(config.packages.begin(), config.packages.end(), change.name) !=
                         config.packages.end();
    if (watched && change.action != PackageAction::Install) out.push_back(change);
  }
  return out;
}

std::vector<std::string> firewall_unit_files(const std::vector<std::string>& paths,
                                             const Config& config) {
  std::vector<std::string> out;
  if (!config.hook_enabled) return out;
  for (const auto& path : paths) {
    const auto slash = path.rfind('/');
    const auto name = slash == std::string::npos ? path : path.substr(slash + 1);
    if (std::find(config.firewalls.begin(), config.firewalls.end(), name) != config.firewalls.end())
      out.push_back(path);
  }
  return out;
}

std::vector<std::string> read_lines(std::istream& in) {
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

}  // namespace dfg
