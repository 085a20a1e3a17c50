#include "plan.h"

#include "join.h"
#include "templates.h"

namespace dfg {

const char* const dropin_file_name = "50-docker-firewall-guard.conf";

namespace {

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
  return text;
}

/// The header's comment lines naming the config files.
std::string config_lines(const std::vector<std::string>& config_files) {
  return "#   " + (config_files.empty() ? std::string("the compiled-in defaults")
                                        : join(config_files, "\n#   "));
}

FirewallBinding bind_firewall(const std::string& unit, const UnitFiles& units) {
  const auto found = units.find(unit);
  switch (found.state) {
    case UnitLookup::State::Missing: return {unit, false, "not installed"};
    case UnitLookup::State::Masked: return {unit, false, "masked by " + found.path};
    case UnitLookup::State::Found: break;
  }
  if (!units.is_enabled(unit)) return {unit, false, "installed but not enabled"};
  return {unit, true, "enabled, " + found.path};
}

}  // namespace

GuardPlan plan_guard(const LoadedConfig& loaded, const DockerFacts& docker,
                     const UnitFiles& units) {
  GuardPlan plan;
  const auto& config = loaded.config;
  if (config.strategy == Strategy::None) {
    plan.notes.emplace_back("strategy is none; writing nothing");
    return plan;
  }
  if (!docker.iptables) {
    plan.notes.emplace_back((docker.iptables_origin.empty() ? std::string(docker_daemon_json)
                                                            : docker.iptables_origin) +
                            " turns Docker's iptables handling off; writing nothing");
    return plan;
  }

  std::vector<std::string> bound;
  for (const auto& unit : config.firewalls) {
    plan.firewalls.push_back(bind_firewall(unit, units));
    if (plan.firewalls.back().bound) bound.push_back(unit);
  }
  if (bound.empty()) {
    plan.notes.emplace_back(
        "no configured firewall unit is installed, unmasked and enabled; "
        "writing nothing");
    return plan;
  }

  const auto text = render_dropin(config.strategy, bound, loaded.files);
  std::vector<std::string> guarded;
  for (const auto& service : config.services) {
    if (units.find(service).state != UnitLookup::State::Found) {
      plan.notes.push_back(service + " is not installed or masked; no drop-in for it");
      continue;
    }
    plan.dropins.push_back({service, text});
    guarded.push_back(service);
  }
  if (guarded.empty()) return plan;
  const auto firewall_text = render_firewall_dropin(config.strategy, guarded, loaded.files);
  for (const auto& firewall : bound) plan.dropins.push_back({firewall, firewall_text});
  return plan;
}

std::string render_firewall_dropin(Strategy strategy, const std::vector<std::string>& services,
                                   const std::vector<std::string>& config_files) {
  const auto body = replace_all(templates::dropin_firewall, "@SERVICES@", join(services, " "));
  return replace_all(templates::dropin_header, "@CONFIG@", config_lines(config_files)) +
         replace_all(body, "@STRATEGY@", std::string(to_string(strategy)));
}

std::string render_dropin(Strategy strategy, const std::vector<std::string>& firewalls,
                          const std::vector<std::string>& config_files) {
  const auto config = config_lines(config_files);
  const char* body =
      strategy == Strategy::PartOf ? templates::dropin_partof : templates::dropin_requires;
  return replace_all(templates::dropin_header, "@CONFIG@", config) +
         replace_all(body, "@FIREWALLS@", join(firewalls, " "));
}

}  // namespace dfg
