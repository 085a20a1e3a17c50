#include "status_judgement.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>

#include "join.h"
namespace dfg {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

std::vector<std::string> firewalls_to_bind(const GuardPlan& plan) {
  std::vector<std::string> out;
  for (const auto& f : plan.firewalls)
    if (f.to_bind) out.push_back(f.unit);
  return out;
}

/// Whether systemd really ties the guarded service to `firewall`.
bool is_bound(const StatusReport& r, const std::string& firewall) {
  return r.service && contains(r.service->bound, firewall);
}

const char* dependency_name(Strategy strategy) {
  switch (strategy) {
    case Strategy::PartOf: return "PartOf=";
    case Strategy::Reconcile: return "After=";
    default: return "Requires=";
  }
}

/// Why a guarded service that runs can be neither tied to a firewall nor restarted, or "".
std::string unrestartable_service(const StatusReport& r) {
  if (!r.service) return {};
  const auto& s = *r.service;
  if (s.unit.load_state == "masked") return s.name + " is masked: nothing restarts it";
  if (s.unit.load_state != "loaded" && s.unit.active_state == "active")
    return s.name + " runs without its unit (" + s.unit.load_state + "): nothing restarts it";
  return {};
}

/// A verdict and why, in one line.
struct Verdict {
  Protection protection;
  std::string reason;
};

/// The verdict when it needs no look at what systemd bound: systemd does not answer, the
/// setup cannot be guarded, or there is nothing to guard.
std::optional<Verdict> verdict_of_setup(const StatusReport& r,
                                        const std::vector<std::string>& to_bind) {
  const auto& settings = r.docker.settings;
  if (!r.systemd_error.empty())
    return Verdict{Protection::Unknown, "cannot ask systemd: " + r.systemd_error};
  if (r.config.config.strategy == Strategy::None)
    return Verdict{Protection::No, "strategy is none: the generator ties Docker to no firewall"};
  if (auto why = unrestartable_service(r); !why.empty())
    return Verdict{Protection::No, std::move(why)};
  if (settings.firewall_backend != "iptables") {
    return Verdict{Protection::No,
                   settings.firewall_backend_origin + " sets Docker's firewall backend to " +
                       settings.firewall_backend +
                       ", which docker-firewall-guard does not support yet: it leaves Docker "
                       "alone, and nothing keeps Docker's rules across a flush"};
  }
  if (r.rules.overall() == RulesState::NotManaged)
    return Verdict{Protection::Yes, "Docker manages no firewall rules: nothing to guard"};
  if (to_bind.empty()) {
    return Verdict{Protection::Yes,
                   "no configured firewall unit is installed, unmasked and enabled: nothing to "
                   "guard against"};
  }
  return std::nullopt;
}

/// Not protected when the guarded service, given a drop-in, has not loaded it or lacks the
/// dependency on a firewall to bind.
std::optional<Verdict> binding_missing(const StatusReport& r,
                                       const std::vector<std::string>& to_bind) {
  if (!r.service || !r.service->dropin_expected) return std::nullopt;
  const auto& s = *r.service;
  if (!s.dropin_loaded) {
    return Verdict{Protection::No,
                   s.name + " has not loaded the guard's drop-in: run systemctl daemon-reload"};
  }
  std::vector<std::string> missing;
  for (const auto& f : to_bind)
    if (!contains(s.bound, f)) missing.push_back(f);
  if (missing.empty()) return std::nullopt;
  return Verdict{Protection::No, s.name + " lacks " + dependency_name(r.config.config.strategy) +
                                     join(missing, " ") + ": run systemctl daemon-reload"};
}

/// Reconcile's companions join in at the firewall's next start; until then, nothing keeps
/// the rules (right after switching strategy, say). Not protected while a companion of a
/// running firewall does not run.
std::optional<Verdict> companion_not_running(const StatusReport& r,
                                             const std::vector<std::string>& to_bind) {
  if (r.config.config.strategy != Strategy::Reconcile) return std::nullopt;
  for (const auto& f : to_bind) {
    const auto firewall = r.firewalls.find(f);
    if (firewall == r.firewalls.end() || firewall->second.active_state != "active") continue;
    const auto companions = companions_of(f);
    for (const auto& c : {companions.before, companions.after}) {
      const auto unit = r.companions.find(c);
      if (unit != r.companions.end() && unit->second.active_state == "active") continue;
      // Right after the package's %post or a strategy switch, a start is merely queued.
      if (unit != r.companions.end() &&
          (unit->second.active_state == "activating" || unit->second.job_type == "start"))
        return Verdict{Protection::No, c + " is starting: protected once it has run"};
      return Verdict{Protection::No,
                     c + " is not running: run systemctl start " + c + " (or restart " + f + ")"};
    }
  }
  return std::nullopt;
}

/// Protected: the guarded service is bound to every firewall to bind, by the strategy.
Verdict bound_as_planned(const Config& config, const std::vector<std::string>& to_bind) {
  return {Protection::Yes, config.service +
                               (config.strategy == Strategy::Reconcile ? " keeps its rules across "
                                                                       : " restarts with ") +
                               join(to_bind, " ") + " (strategy " +
                               std::string(to_string(config.strategy)) + ")"};
}

/// What the administrator can do about what the report found.
std::vector<std::string> advice_for(const StatusReport& r,
                                    const std::vector<std::string>& to_bind) {
  const auto& config = r.config.config;
  std::vector<std::string> advice;
  if (r.rules.overall() == RulesState::Flushed && service_active(r))
    advice.push_back("Docker's rules are gone now: run docker-firewall-guard restart-docker");
  if (!r.config.problems.empty())
    advice.push_back("the config has problems: docker-firewall-guard config --check");
  const bool restarts =
      config.strategy == Strategy::Requires || config.strategy == Strategy::PartOf;
  if (restarts && !to_bind.empty()) {
    advice.push_back("with strategy " + std::string(to_string(config.strategy)) +
                     ", stopping a firewall unit stops Docker too");
    if (!r.docker.settings.live_restore) {
      advice.push_back(
          "live-restore is off: each firewall restart restarts Docker and stops every container "
          "for about 10 s; set \"live-restore\": true in /etc/docker/daemon.json, or use "
          "strategy reconcile");
    }
  }
  return advice;
}

nlohmann::json config_json(const LoadedConfig& loaded) {
  using nlohmann::json;
  const auto& c = loaded.config;
  json problems = json::array();
  for (const auto& p : loaded.problems) problems.push_back(p.to_string());
  json origin = json::object();
  for (const auto& [key, file] : c.origin) origin[key] = file;
  return {{"files", loaded.files},
          {"problems", problems},
          {"strategy", to_string(c.strategy)},
          {"services", json::array({c.service})},
          {"firewalls", c.firewalls},
          {"origin", origin}};
}

nlohmann::json service_json(const ServiceReport& s) {
  return {{"name", s.name},
          {"load_state", s.unit.load_state},
          {"active_state", s.unit.active_state},
          {"sub_state", s.unit.sub_state},
          {"dropin_expected", s.dropin_expected},
          {"dropin_loaded", s.dropin_loaded},
          {"drop_in_paths", s.unit.drop_in_paths},
          {"bound_firewalls", s.bound},
          {"requires", s.unit.requires_units},
          {"part_of", s.unit.part_of}};
}

nlohmann::json firewalls_json(const StatusReport& r) {
  using nlohmann::json;
  json firewalls = json::array();
  for (const auto& f : r.plan.firewalls) {
    const auto unit = r.firewalls.find(f.unit);
    firewalls.push_back(
        {{"name", f.unit},
         {"active_state",
          unit == r.firewalls.end() ? json(nullptr) : json(unit->second.active_state)},
         {"bound", is_bound(r, f.unit)},
         {"to_bind", f.to_bind},
         {"reason", f.reason}});
  }
  return firewalls;
}

nlohmann::json rules_json(const CanaryResult& rules) {
  nlohmann::json families = nlohmann::json::array();
  for (const auto& f : rules.families)
    families.push_back(
        {{"family", family_name(f.family)}, {"state", to_string(f.state)}, {"detail", f.detail}});
  return {{"state", to_string(rules.overall())}, {"families", families}};
}

/// Docker's settings, and what its Engine API said (null when it was not asked).
nlohmann::json docker_json(const StatusReport& r) {
  using nlohmann::json;
  const auto& settings = r.docker.settings;
  json api = nullptr;
  if (!r.docker_api_error.empty())
    api = {{"error", r.docker_api_error}};
  else if (!r.docker_api.empty())
    api = {{"containers", r.containers},
           {"published_ports", r.published_ports},
           {"networks", r.networks}};
  return {{"iptables", settings.iptables},
          {"ip6tables", settings.ip6tables ? json(*settings.ip6tables) : json(nullptr)},
          {"live_restore", settings.live_restore},
          {"firewall_backend", settings.firewall_backend},
          {"warning", r.docker.warning},
          {"api", api}};
}

}  // namespace

std::string_view to_string(Protection protection) {
  switch (protection) {
    case Protection::Yes: return "yes";
    case Protection::No: return "no";
    case Protection::Unknown: return "unknown";
  }
  return "unknown";
}

bool service_active(const StatusReport& r) {
  return r.service && r.service->unit.active_state == "active";
}

void judge(StatusReport& r) {
  const auto to_bind = firewalls_to_bind(r.plan);
  auto verdict = verdict_of_setup(r, to_bind);
  if (!verdict) verdict = binding_missing(r, to_bind);
  if (!verdict) verdict = companion_not_running(r, to_bind);
  if (!verdict) verdict = bound_as_planned(r.config.config, to_bind);
  r.protection = verdict->protection;
  r.reason = std::move(verdict->reason);
  r.advice = advice_for(r, to_bind);
}

ExitStatus exit_status(const StatusReport& r) {
  if (r.protection == Protection::Unknown) return ExitStatus::Unknown;
  // A stopped Docker has no rules to lose; its start writes them.
  if (!service_active(r))
    return r.protection == Protection::No ? ExitStatus::Problem : ExitStatus::Ok;
  if (r.protection == Protection::No || r.rules.overall() == RulesState::Flushed)
    return ExitStatus::Problem;
  if (r.rules.overall() == RulesState::Unknown) return ExitStatus::Unknown;
  return ExitStatus::Ok;
}

std::string render_text(const StatusReport& r) {
  const auto& config = r.config.config;
  std::string out = "Protected: " + std::string(to_string(r.protection)) + " - " + r.reason + "\n";
  out +=
      "Config: " + (r.config.files.empty() ? "compiled-in defaults" : join(r.config.files, ", ")) +
      "; strategy " + std::string(to_string(config.strategy)) + " (" +
      (config.origin.count("guard.strategy") ? config.origin.at("guard.strategy")
                                             : std::string("default")) +
      "); " +
      (r.config.problems.empty() ? std::string("no problems")
                                 : std::to_string(r.config.problems.size()) + " problem(s)") +
      "\n";
  for (const auto& p : r.config.problems) out += "  " + p.to_string() + "\n";
  if (r.service) {
    const auto& s = *r.service;
    out += s.name + ": " + s.unit.active_state + " (" + s.unit.sub_state + ")";
    if (s.dropin_expected || s.dropin_loaded)
      out += std::string("; drop-in ") + (s.dropin_loaded ? "loaded" : "NOT loaded");
    std::vector<std::string> after;
    for (const auto& f : config.firewalls)
      if (contains(s.unit.after, f)) after.push_back(f);
    if (config.strategy != Strategy::Reconcile) {
      out += "; " + std::string(dependency_name(config.strategy)) +
             (s.bound.empty() ? "none" : join(s.bound, " "));
    }
    out += "; After=" + (after.empty() ? "none" : join(after, " ")) + "\n";
  }
  out += "Firewalls:";
  for (const auto& f : r.plan.firewalls) {
    const auto unit = r.firewalls.find(f.unit);
    out += " " + f.unit + " " + (unit == r.firewalls.end() ? "?" : unit->second.active_state) +
           (is_bound(r, f.unit) ? ", bound"
            : f.to_bind         ? ", enabled but not bound yet"
                                : ", not bound (" + f.reason + ")") +
           ";";
  }
  if (r.plan.firewalls.empty()) out += " not considered (" + join(r.plan.notes, "; ") + ")";
  out += "\nDocker's rules: " + std::string(to_string(r.rules.overall())) + " (" +
         describe(r.rules) + ")\n";
  out += std::string("Docker: live-restore ") + (r.docker.settings.live_restore ? "on" : "off") +
         (r.docker.warning.empty() ? "" : " (" + r.docker.warning + ")");
  if (!r.docker_api.empty()) out += "; holds " + r.docker_api;
  if (!r.docker_api_error.empty()) out += "; its API cannot tell: " + r.docker_api_error;
  out += "\n";
  for (const auto& a : r.advice) out += "Advice: " + a + "\n";
  return out;
}

std::string render_json(const StatusReport& r) {
  using nlohmann::json;
  json services = json::array();
  if (r.service) services.push_back(service_json(*r.service));
  json companions = json::object();
  for (const auto& [name, unit] : r.companions) companions[name] = unit.active_state;
  const json out = {
      {"protected", to_string(r.protection)},
      {"reason", r.reason},
      {"config", config_json(r.config)},
      {"systemd_error", r.systemd_error.empty() ? json(nullptr) : json(r.systemd_error)},
      {"services", services},
      {"firewalls", firewalls_json(r)},
      {"companions", companions},
      {"rules", rules_json(r.rules)},
      {"docker", docker_json(r)},
      {"advice", r.advice},
  };
  return out.dump(2) + "\n";
}

}  // namespace dfg
