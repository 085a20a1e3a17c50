#include "after_transaction.h"

#include <algorithm>

#include "package_name.h"
#include "restart_and_report.h"
#include "subcommands.h"

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
  auto bad = [&](const std::string& why) {
    return fail("--changed '" + std::string(value) + "': " + why);
  };
  const auto colon = value.rfind(':');
  if (colon == std::string_view::npos) return bad("expected NAME:ACTION");
  const auto name = value.substr(0, colon), action = value.substr(colon + 1);
  if (!is_package_name(name)) return bad("'" + std::string(name) + "' is not a package name");
  for (const auto& a : action_names) {
    if (action == a.name) return PackageChange{std::string(name), a.action};
  }
  return bad("ACTION must be one of install, upgrade, downgrade, reinstall, remove, out");
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

namespace dfg {

ExitStatus run_after_transaction(HostView& view, const TransactionReport& report) {
  auto& host = view.host();
  std::vector<PackageChange> changes;
  for (const auto& value : report.changed) {
    auto change = parse_package_change(value);
    if (!change) {
      host.err << "docker-firewall-guard: " << change.error() << "\n";
      return ExitStatus::Usage;
    }
    changes.push_back(std::move(change).value());
  }
  // Every transaction comes here: an unrelated one costs reading the config, nothing more.
  const auto& config = view.config();
  if (relevant_changes(changes, config).empty() &&
      firewall_unit_files(report.unit_files, config).empty())
    return ExitStatus::Ok;
  // Never hang a transaction.
  view.arm_deadline(2,
                    "docker-firewall-guard: after-transaction: gave up waiting; nothing failed\n");
  if (host.join_systemd_network) {
    if (const auto why = host.join_systemd_network(); !why.empty()) {
      host.out << "docker-firewall-guard: nothing done: " << why << "\n";
      return ExitStatus::Ok;
    }
  }
  const bool report_only = config.hook_action == HookAction::Report;
  // Whatever happened, the transaction is not ours to fail: the outcome is in the lines.
  restart_and_report(view, report.dry_run || report_only, true, report.no_block);
  return ExitStatus::Ok;
}

}  // namespace dfg
