#include "plan.h"

#include <utility>

#include "dockerd_flags.h"
#include "fs.h"
#include "join.h"
#include "templates.h"

namespace dfg {

const char* const dropin_file_name = "50-docker-firewall-guard.conf";

namespace {

const std::string command_path = DFG_COMMAND_PATH;

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
  // systemd reads drop-ins under every name of a unit: binding the unit under both would
  // double its drop-ins and companions. Listed and enabled, the unit is bound by its name.
  if (!found.alias_of.empty()) return {unit, false, "an alias of " + found.alias_of};
  if (!units.is_enabled(unit)) return {unit, false, "installed but not enabled"};
  return {unit, true, "enabled, " + found.path};
}

/// Fills a template of strategy reconcile for `firewall`.
std::string render_for_firewall(const std::string& text, const std::string& firewall,
                                const LoadedConfig& loaded) {
  const auto companions = companions_of(firewall);
  // The command stops itself after two timeouts and 30 s; systemd's limit comes later.
  const auto timeout = std::to_string(2 * loaded.config.timeout_seconds + 60);
  const auto restore_before = loaded.config.restore_before.empty()
                                  ? std::string()
                                  : " " + join(loaded.config.restore_before);
  std::string body = text;
  for (const auto& [from, to] : {std::pair<const char*, const std::string&>{"@FIREWALL@", firewall},
                                 {"@BEFORE@", companions.before},
                                 {"@AFTER@", companions.after},
                                 {"@COMMAND@", command_path},
                                 {"@TIMEOUT@", timeout},
                                 {"@RESTORE_BEFORE@", restore_before}})
    body = replace_all(body, from, to);
  return replace_all(templates::dropin_header, "@CONFIG@", config_lines(loaded.files)) + body;
}

/// Strategy reconcile: the firewall's drop-in and its two companion units. An ExecReload= only
/// where the firewall has its own: one would make a unit without (Debian's netfilter-persistent)
/// reloadable, and `service X reload` would then run it alone, never the firewall's reload.
void add_companions(GuardPlan& plan, const std::string& firewall, const LoadedConfig& loaded,
                    const UnitFiles& units) {
  const auto companions = companions_of(firewall);
  const auto dropin =
      replace_all(templates::dropin_firewall_reconcile, "@EXEC_RELOAD@",
                  can_reload(units.root(), units, firewall)
                      ? "ExecReload=-@COMMAND@ restore --firewall @FIREWALL@ --in-job"
                      : "# No ExecReload=: @FIREWALL@ has none, and one would make it reloadable.");
  plan.dropins.push_back({firewall, render_for_firewall(dropin, firewall, loaded)});
  plan.units.push_back(
      {companions.before, render_for_firewall(templates::companion_before, firewall, loaded)});
  plan.units.push_back(
      {companions.after, render_for_firewall(templates::companion_after, firewall, loaded)});
}

}  // namespace

GuardPlan plan_guard(const LoadedConfig& loaded, const DockerSettings& docker,
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
  if (docker.firewall_backend != "iptables") {
    plan.notes.emplace_back(docker.firewall_backend_origin + " sets Docker's firewall backend to " +
                            docker.firewall_backend +
                            ", which the guard does not support yet; writing nothing");
    return plan;
  }

  std::vector<std::string> to_bind;
  for (const auto& unit : config.firewalls) {
    plan.firewalls.push_back(bind_firewall(unit, units));
    if (plan.firewalls.back().to_bind) to_bind.push_back(unit);
  }
  if (to_bind.empty()) {
    plan.notes.emplace_back(
        "no configured firewall unit is installed, unmasked and enabled; "
        "writing nothing");
    return plan;
  }

  const auto text = render_dropin(config.strategy, to_bind, loaded.files);
  if (units.find(config.service).state != UnitLookup::State::Found) {
    plan.notes.push_back(config.service + " is not installed or masked; no drop-in for it");
    return plan;
  }
  plan.dropins.push_back({config.service, text});
  if (config.strategy == Strategy::Reconcile) {
    for (const auto& firewall : to_bind) add_companions(plan, firewall, loaded, units);
    return plan;
  }
  const auto firewall_text = render_firewall_dropin(config.strategy, config.service, loaded.files);
  for (const auto& firewall : to_bind) plan.dropins.push_back({firewall, firewall_text});
  return plan;
}

Companions companions_of(const std::string& firewall) {
  const auto stem =
      ends_with(firewall, ".service") ? firewall.substr(0, firewall.size() - 8) : firewall;
  return {"docker-firewall-guard-before-" + stem + ".service",
          "docker-firewall-guard-after-" + stem + ".service"};
}

std::string render_firewall_dropin(Strategy strategy, const std::string& service,
                                   const std::vector<std::string>& config_files) {
  const auto body = replace_all(templates::dropin_firewall, "@SERVICES@", service);
  return replace_all(templates::dropin_header, "@CONFIG@", config_lines(config_files)) +
         replace_all(body, "@STRATEGY@", std::string(to_string(strategy)));
}

std::string render_dropin(Strategy strategy, const std::vector<std::string>& firewalls,
                          const std::vector<std::string>& config_files) {
  const auto config = config_lines(config_files);
  const char* body = strategy == Strategy::PartOf      ? templates::dropin_partof
                     : strategy == Strategy::Reconcile ? templates::dropin_reconcile
                                                       : templates::dropin_requires;
  return replace_all(templates::dropin_header, "@CONFIG@", config) +
         replace_all(replace_all(body, "@FIREWALLS@", join(firewalls, " ")), "@COMMAND@",
                     command_path);
}

}  // namespace dfg
