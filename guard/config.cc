#include <string>
#include <vector>

#include "config.h"
#include "join.h"
#include "subcommands.h"

namespace dfg {
namespace {

const char* yes_no(bool value) { return value ? "yes" : "no"; }

}  // namespace

ExitStatus run_config(HostView& view, bool check_only) {
  const auto& loaded = view.loaded();
  auto& out = view.host().out;
  for (const auto& problem : loaded.problems) view.host().err << problem.to_string() << "\n";
  if (check_only) {
    if (!loaded.problems.empty()) return ExitStatus::Config;
    out << "ok: " << (loaded.files.empty() ? "no config files, the defaults" : join(loaded.files))
        << "\n";
    return ExitStatus::Ok;
  }

  const Config& c = loaded.config;
  // The output is itself a valid config file: the value, then where it came from after ';'.
  auto line = [&](const char* section, const char* key, const std::string& value) {
    const auto origin = c.origin.find(std::string(section) + "." + key);
    out << key << " = " << value << "  ; "
        << (origin == c.origin.end() ? "default" : origin->second) << "\n";
  };
  out << "# docker-firewall-guard: the configuration in effect\n[guard]\n";
  line("guard", "services", c.service);
  line("guard", "firewalls", join(c.firewalls));
  line("guard", "restore-before", join(c.restore_before));
  line("guard", "strategy", std::string(to_string(c.strategy)));
  line("guard", "metrics-file", c.metrics_file);
  out << "\n[hook]\n";
  line("hook", "enabled", yes_no(c.hook_enabled));
  line("hook", "packages", join(c.packages));
  line("hook", "action", std::string(to_string(c.hook_action)));
  line("hook", "dry-run", yes_no(c.dry_run));
  line("hook", "timeout", std::to_string(c.timeout_seconds));
  return ExitStatus::Ok;
}

}  // namespace dfg
