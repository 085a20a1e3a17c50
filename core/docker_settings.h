#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dfg {

/// What /etc/docker/daemon.json says about Docker's firewall handling. Unset keys keep
/// dockerd's defaults: iptables on, live-restore off; ip6tables' default changed with
/// Docker 27 (off before, on since), so an absent key stays unknown.
struct DockerSettings {
  bool iptables = true;
  std::optional<bool> ip6tables;
  bool live_restore = false;
  std::string iptables_origin;  ///< what set `iptables` (a file, or dockerd's flag); empty: default
  /// "firewall-backend" (Docker 29): "iptables", Docker's default, or "nftables", which the
  /// guard does not support yet (its rules are in nftables tables of Docker's own).
  std::string firewall_backend = "iptables";
  std::string firewall_backend_origin;  ///< what set it; empty: default

  /// The unix socket dockerd's Engine API answers on: the first "unix://PATH" of its hosts
  /// (-H, "hosts" in daemon.json), docker.socket's ListenStream= for "fd://" (systemd's socket
  /// activation), /run/docker.sock by default; "" when it listens on no unix socket at all.
  std::string api_socket = "/run/docker.sock";
  std::string api_socket_origin;   ///< what set it; empty: default
  std::vector<std::string> hosts;  ///< daemon.json's "hosts", as given
};

/// The settings, and a warning naming the file and key when something could not be used.
struct DockerSettingsResult {
  DockerSettings settings;
  std::string warning;
};

extern const char* const docker_daemon_json;

/// dockerd's hosts ("unix:///run/docker.sock", "fd://", "tcp://...") as the API's unix
/// socket: the first unix one, `activated` (the socket unit's path) for "fd://"; "" for none.
std::string api_socket_of(const std::vector<std::string>& hosts, const std::string& activated);

/// Parses daemon.json text. Malformed JSON, or a key that is not a boolean, gives a
/// warning and Docker's default for what could not be read. `file` names the source.
DockerSettingsResult parse_daemon_json(std::string_view text, const std::string& file);

/// Reads `path` (default /etc/docker/daemon.json) under `root`; an absent file means
/// Docker's defaults.
DockerSettingsResult read_daemon_json(std::string_view root = "/",
                                      const std::string& path = docker_daemon_json);

}  // namespace dfg
