#pragma once

#include <string>

namespace dfg {

/// Why the command must not restart anything on this system, or "" when it may: inside a
/// chroot (its services are the host's, not ours to touch), during an offline update, or
/// when systemd is not running (as sd_booted(3) tells). Paths are looked up under `root`;
/// the chroot test applies to the real root only.
std::string why_not_act(const std::string& root);

}  // namespace dfg
