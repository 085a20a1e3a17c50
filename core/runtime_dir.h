#pragma once

namespace dfg {

/// The command's runtime state, all of it under one directory of mode 0700 owned by root.
/// Its one owner is the tmpfiles.d entry the package ships (templates/tmpfiles.conf), made at
/// boot and by the package's %post; the command makes it with the same mode only where that
/// has not run (a build installed by hand). Under /run: gone at reboot.
namespace runtime {

constexpr const char* dir = "/run/docker-firewall-guard";
constexpr unsigned dir_mode = 0700;

/// Strategy reconcile's snapshots: one file per firewall unit, named after it, mode 0600.
constexpr const char* snapshot_dir = "/run/docker-firewall-guard/snapshots";
/// restart-docker's lock: runs started at the same moment take turns.
constexpr const char* restart_lock = "/run/docker-firewall-guard/restart-docker.lock";
/// The lock `restore` holds (strategy reconcile's in-job restore).
constexpr const char* restore_lock = "/run/docker-firewall-guard/restore.lock";
/// The lock every writer of [guard] metrics-file holds, so that no count is lost.
constexpr const char* metrics_lock = "/run/docker-firewall-guard/metrics.lock";
/// The installed dockerd's major version, keyed by the binary's identity.
constexpr const char* dockerd_version = "/run/docker-firewall-guard/dockerd-version";

}  // namespace runtime
}  // namespace dfg
