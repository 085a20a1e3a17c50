#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "canary.h"
#include "docker_config.h"
#include "process.h"

namespace dfg {

/// Docker's settings as dockerd really runs: its own command line (/proc/MAIN_PID/cmdline
/// under `root`) when `main_pid` is set and readable, else what its service's files say
/// (read_docker_settings); then the daemon.json that names.
DockerFactsResult docker_settings(std::string_view root, const std::string& service,
                                  std::uint32_t main_pid);

/// The major version in `dockerd --version` output ("Docker version 28.5.2, build ..."),
/// or nothing when the text has none.
std::optional<int> parse_dockerd_major(std::string_view text);

/// Asks the installed dockerd for its version; nothing when it cannot be run.
std::optional<int> dockerd_major(ProcessRunner& runner);

/// The families Docker manages rules for, each on its own: IPv4 unless "iptables" is false;
/// IPv6 when "ip6tables" says so, else by Docker's default, which is on from Docker 27 (off
/// when the version is unknown: never report rules flushed that Docker may not have written).
ManagedFamilies managed_families(const DockerFacts& facts, std::optional<int> dockerd_major);

}  // namespace dfg
