#include "host_checks.h"

#include <sys/stat.h>

#include "fs.h"

namespace dfg {
namespace {

bool is_directory(const std::string& path) {
  struct stat st {};
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

/// systemd's own test (running_in_chroot()): PID 1's root is not ours.
bool in_chroot() {
  struct stat ours {
  }, pid1{};
  if (stat("/", &ours) != 0 || stat("/proc/1/root", &pid1) != 0) return false;
  return ours.st_dev != pid1.st_dev || ours.st_ino != pid1.st_ino;
}

}  // namespace

std::string why_not_act(const std::string& root) {
  if ((root.empty() || root == "/") && in_chroot()) return "running in a chroot";
  // systemd-system-update-generator(8): this link starts an offline update at boot.
  for (const char* link : {"/system-update", "/etc/system-update"}) {
    if (entry_exists(join_root(root, link)))
      return std::string("an offline update is pending or running (") + link + " exists)";
  }
  if (!is_directory(join_root(root, "/run/systemd/system"))) return "systemd is not running";
  return {};
}

}  // namespace dfg
