#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "docker_settings.h"
#include "unit_files.h"

namespace dfg {

/// What dockerd's command line says about the settings the guard cares about; unset when
/// the line does not say.
struct DockerdFlags {
  std::optional<bool> iptables;
  std::optional<bool> ip6tables;
  std::optional<bool> live_restore;
  std::optional<std::string> config_file;
  std::optional<std::string> firewall_backend;
  std::vector<std::string> hosts;  ///< -H, --host (each)
};

/// Reads dockerd's arguments (argv[0] included or not) the way its flag parser does:
/// "--iptables", "--iptables=false" (a boolean flag takes its value only after '='),
/// "--config-file PATH" or "--config-file=PATH", the same for "--firewall-backend" and
/// "--host" (also "-H VALUE", "-H=VALUE", "-HVALUE"). Everything else is ignored.
DockerdFlags parse_dockerd_args(const std::vector<std::string>& args);

/// Splits a systemd command line (ExecStart=) into words as systemd does: white space
/// separates, double and single quotes group, backslash escapes; a leading "-@:+!" prefix
/// is dropped. $NAME is replaced by the words of NAME's value and ${NAME} by its value as
/// one word, from `environment` ("NAME=value" entries), unset names by nothing.
std::vector<std::string> split_exec_line(std::string_view line,
                                         const std::vector<std::string>& environment);

/// dockerd's command line as systemd would start it for `service`, from files only: the
/// unit's fragment and its drop-ins in systemd's order (an empty ExecStart= resets the
/// list, the last one wins), with Environment= and EnvironmentFile= (Fedora's
/// /etc/sysconfig/docker OPTIONS) expanded. Empty when the unit or its ExecStart is missing.
std::vector<std::string> docker_exec_start(std::string_view root, const UnitFiles& units,
                                           const std::string& service);

/// Whether systemd can reload `unit` (CanReload), from files only: its fragment and drop-ins
/// leave an ExecReload= (a firewall's, Debian's netfilter-persistent.service has none).
bool can_reload(std::string_view root, const UnitFiles& units, const std::string& unit);

/// Docker's settings from files, as the generator must decide: dockerd's flags in the
/// service's ExecStart= (and the daemon.json its --config-file names, else
/// /etc/docker/daemon.json); a flag wins over the file.
DockerSettingsResult read_docker_settings(std::string_view root, const UnitFiles& units,
                                          const std::string& service);

/// The same from a running dockerd's own command line (NUL-separated, as in
/// /proc/PID/cmdline), for the command, which can ask systemd for MainPID; `service`'s socket
/// unit says where "-H fd://" listens.
DockerSettingsResult docker_settings_from_cmdline(std::string_view root, std::string_view cmdline,
                                                  const std::string& service);

}  // namespace dfg
