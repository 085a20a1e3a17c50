#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "docker_settings.h"
#include "family.h"
#include "process_runner.h"
#include "processes.h"

namespace dfg {

/// Docker's settings as dockerd really runs: its own command line when `main_pid` is set and
/// readable, else what its service's files under `root` say (read_docker_settings); then the
/// daemon.json that names.
DockerSettingsResult docker_settings(Processes& processes, std::string_view root,
                                     const std::string& service, std::uint32_t main_pid);

/// The major version in `dockerd --version` output ("Docker version 28.5.2, build ..."),
/// or nothing when the text has none.
std::optional<int> parse_dockerd_major(std::string_view text);

/// The installed dockerd's major version (`dockerd --version`); nothing when there is no
/// dockerd under `root` or it cannot say. Running it costs 30-40 ms, so the answer is kept in
/// runtime::dockerd_version for as long as the binary is the same file
/// (device, inode, size, modification time): a stat then answers.
std::optional<int> dockerd_major(ProcessRunner& runner, std::string_view root);

/// The families Docker manages rules for, each on its own: IPv4 unless "iptables" is false;
/// IPv6 when "ip6tables" says so, else by Docker's default, which is on from Docker 27 (off
/// when the version is unknown: never report rules flushed that Docker may not have written).
/// Neither with a firewall backend other than iptables (Docker 29's nftables).
ManagedFamilies managed_families(const DockerSettings& settings, std::optional<int> dockerd_major);

/// managed_families, asking dockerd's version only when daemon.json and the flags leave
/// ip6tables to Docker's default.
ManagedFamilies families_to_check(ProcessRunner& runner, std::string_view root,
                                  const DockerSettings& settings);

}  // namespace dfg
