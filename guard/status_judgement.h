#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canary.h"
#include "config.h"
#include "docker_settings.h"
#include "exit_status.h"
#include "plan.h"
#include "systemd.h"

namespace dfg {

/// Whether Docker's rules are kept across the firewall units' events.
enum class Protection { Yes, No, Unknown };

/// "yes", "no" or "unknown", as `status` says it.
std::string_view to_string(Protection protection);

/// What systemd really loaded for the guarded service.
struct ServiceReport {
  std::string name;
  UnitStatus unit;
  bool dropin_expected = false;  ///< the generator writes a drop-in for it
  bool dropin_loaded = false;    ///< systemd lists that drop-in in DropInPaths
  /// Bound: the firewalls systemd has loaded its Requires=/PartOf=/After= on (per strategy).
  std::vector<std::string> bound;
};

/// Everything `status` says, gathered once and rendered as text or JSON.
struct StatusReport {
  LoadedConfig config;
  DockerSettingsResult docker;
  GuardPlan plan;                                ///< what the generator decides from the files
  std::string systemd_error;                     ///< set when systemd could not be asked
  std::optional<ServiceReport> service;          ///< none when systemd could not be asked
  std::map<std::string, UnitStatus> firewalls;   ///< as systemd sees them
  std::map<std::string, UnitStatus> companions;  ///< strategy reconcile's, as systemd sees them
  CanaryResult rules;
  /// What dockerd holds (its Engine API), when it runs: a summary, or why it cannot tell.
  std::string docker_api;
  std::string docker_api_error;
  std::size_t containers = 0, published_ports = 0, networks = 0;
  Protection protection = Protection::Unknown;
  std::string reason;  ///< why, in one line
  std::vector<std::string> advice;
};

/// Whether systemd says the guarded service is active.
bool service_active(const StatusReport& report);

/// Decides protection and advice from the gathered facts (pure; the command gathers).
void judge(StatusReport& report);

/// 0 when protected (or there is nothing to guard) and the rules are not gone; 1 when not
/// protected or the rules are gone; 2 when it cannot tell.
ExitStatus exit_status(const StatusReport& report);

/// A few lines an administrator can act on.
std::string render_text(const StatusReport& report);

/// The same facts as one JSON object (documented in docker-firewall-guard(8)).
std::string render_json(const StatusReport& report);

}  // namespace dfg
