#pragma once

#include <string>
#include <vector>

#include "config.h"
#include "docker_settings.h"
#include "unit_files.h"

namespace dfg {

/// The file name of the drop-in written for each guarded service.
extern const char* const dropin_file_name;

/// The `reconcile` strategy's companions of one firewall unit, by name: `before` saves
/// Docker's rules ahead of the firewall's reload; `after` saves them before its stop (the
/// firewall's own drop-in does the rest, inside its jobs).
/// "docker-firewall-guard-before-iptables.service" for iptables.service (another unit type keeps
/// its suffix in the name).
struct Companions {
  std::string before;
  std::string after;
};
Companions companions_of(const std::string& firewall);

/// Whether the generator binds one firewall unit (ties the guarded service to it), and why
/// not (for logs and `status`). What systemd has loaded is "bound" (status_judgement.h).
struct FirewallBinding {
  std::string unit;
  bool to_bind = false;
  std::string reason;
};

/// A drop-in to write as "<unit>.d/<dropin_file_name>".
struct DropIn {
  std::string unit;
  std::string text;
};

/// A whole unit file to write as "<name>" (the companions of strategy reconcile).
struct GeneratedUnit {
  std::string name;
  std::string text;
};

/// What the generator does: the firewall decisions, the drop-ins, the units, and notes
/// explaining why a part was left out (one line each, for the log).
struct GuardPlan {
  std::vector<FirewallBinding> firewalls;
  std::vector<DropIn> dropins;
  std::vector<GeneratedUnit> units;
  std::vector<std::string> notes;
};

/// Binds each configured firewall unit that exists, is not masked and is enabled; never a
/// disabled one, since Requires= would start it (and firewalld conflicts with
/// iptables.service). Writes nothing for strategy none, when Docker's iptables handling is
/// off, when no firewall is to be bound, or for a guarded service that is not installed. Each
/// firewall to bind gets a drop-in too (render_firewall_dropin), after the service's;
/// with strategy reconcile, its drop-in pulls in its two companion units, written too.
GuardPlan plan_guard(const LoadedConfig& loaded, const DockerSettings& docker,
                     const UnitFiles& units);

/// The drop-in for a firewall unit to bind: after each of its starts, clear the start limit
/// of the guarded `service`, whose restarts it causes.
std::string render_firewall_dropin(Strategy strategy, const std::string& service,
                                   const std::vector<std::string>& config_files);

/// The drop-in text for `strategy` binding `firewalls`, with a header naming the config
/// files (or the compiled-in defaults).
std::string render_dropin(Strategy strategy, const std::vector<std::string>& firewalls,
                          const std::vector<std::string>& config_files);

}  // namespace dfg
