#include "host_checks.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

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

std::string join_systemd_network_namespace() {
  struct stat own = {};
  struct stat systemd = {};
  if (stat("/proc/self/ns/net", &own) != 0 || stat("/proc/1/ns/net", &systemd) != 0)
    return std::string("cannot compare network namespaces: ") + std::strerror(errno);
  if (own.st_dev == systemd.st_dev && own.st_ino == systemd.st_ino) return "";
  const int fd = open("/proc/1/ns/net", O_RDONLY | O_CLOEXEC);
  const int joined = fd < 0 ? -1 : setns(fd, CLONE_NEWNET);
  const int error = errno;
  if (fd >= 0) close(fd);
  if (joined == 0) return "";
  const std::string why =
      "this runs in a network namespace other than systemd's (an rpm "
      "scriptlet in a private one?) and cannot join it: ";
  return why + std::strerror(error);
}

}  // namespace dfg
