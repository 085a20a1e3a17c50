#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dfg {

/// How the generator ties a guarded service to the firewall units.
enum class Strategy { Requires, PartOf, Reconcile, None };

/// What the package-manager hooks do when a firewall package changed.
enum class HookAction { Restart, Report };

std::string_view to_string(Strategy strategy);
std::string_view to_string(HookAction action);

/// The settings of docker-firewall-guard.conf; the member initialisers are the
/// compiled-in defaults (templates/docker-firewall-guard.conf documents the same values,
/// and a unit test keeps the two equal).
struct Config {
  // [guard]
  /// [guard] services: the one Docker service guarded (the key's name is kept from when it
  /// took a list; more than one name is a problem).
  std::string service{"docker.service"};
  /// EL's units, then Debian's and Ubuntu's; only those installed, unmasked and enabled are
  /// bound (plan.h), so a unit of the other family costs nothing.
  std::vector<std::string> firewalls{"iptables.service", "ip6tables.service",
                                     "nftables.service", "netfilter-persistent.service",
                                     "ferm.service",     "ferm-early.service"};
  Strategy strategy = Strategy::Requires;
  /// Units that hook their own rules into Docker's chains (fail2ban's chain = DOCKER-USER):
  /// strategy reconcile's restore runs before they start, so they re-add their jumps to the
  /// chains it put back, and never lose them to it.
  std::vector<std::string> restore_before{"fail2ban.service"};
  /// Where each event's cost goes for node_exporter's textfile collector (an absolute path
  /// ending in .prom); "": nowhere.
  std::string metrics_file;
  // [hook]
  bool hook_enabled = true;
  /// EL's package names, then Debian's (nftables is both).
  std::vector<std::string> packages{"iptables-services",    "iptables-nft-services", "nftables",
                                    "netfilter-persistent", "iptables-persistent",   "ferm"};
  HookAction hook_action = HookAction::Restart;
  bool dry_run = false;
  unsigned timeout_seconds = 90;

  /// "section.key" -> the file whose assignment is in effect; absent means the default.
  std::map<std::string, std::string> origin;
};

/// One thing wrong with a config file. to_string() gives "FILE: [section] key: message",
/// "FILE: [section]: message" or "FILE: message" depending on what is known.
struct ConfigProblem {
  std::string file;
  std::string section;
  std::string key;
  std::string message;

  std::string to_string() const;
};

/// The merged configuration, the files it came from (in the order applied), and every
/// problem found. Problems never abort loading: a bad assignment is ignored, so the key
/// keeps the value it had (the default unless an earlier file set it).
struct LoadedConfig {
  Config config;
  std::vector<std::string> files;
  std::vector<ConfigProblem> problems;
};

/// The main file and drop-in directories, most important first.
extern const char* const config_main_paths[3];
extern const char* const config_dropin_dirs[3];

/// Loads the configuration as systemd loads its own: the first main file found in
/// /etc, /run, /usr/lib, then every "*.conf" in docker-firewall-guard.conf.d/ of those
/// directories in file-name order, a name in a more important directory hiding the same
/// name in a less important one, a link to /dev/null (or an empty file) hiding it without
/// replacement. Paths are looked up under `root` but reported as seen on the host.
LoadedConfig load_config(std::string_view root = "/");

/// Applies one file's text on top of `loaded.config`, recording origins and problems
/// under the name `file`.
void apply_config_text(LoadedConfig& loaded, std::string_view text, const std::string& file);

}  // namespace dfg
