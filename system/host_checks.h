#pragma once

#include <string>

namespace dfg {

/// Why the command must not restart anything on this system, or "" when it may: inside a
/// chroot (its services are the host's, not ours to touch), during an offline update, or
/// when systemd is not running (as sd_booted(3) tells). Paths are looked up under `root`;
/// the chroot test applies to the real root only.
std::string why_not_act(const std::string& root);

/// Joins PID 1's network namespace when this process is in another one, so that the rules
/// it reads and restores are the ones systemd's firewall units load: rpm 4.20 and later can
/// run scriptlets in a private network namespace (its unshare plugin, Debian's default),
/// where every table looks flushed. Returns why it could not, or "".
std::string join_systemd_network_namespace();

}  // namespace dfg
