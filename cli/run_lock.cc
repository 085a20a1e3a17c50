#include "run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace dfg {

const char* const reconcile_lock_path = "/run/docker-firewall-guard/reconcile.lock";
const char* const restore_lock_path = "/run/docker-firewall-guard/restore.lock";

Expected<RunLock> RunLock::acquire(const std::string& path, std::chrono::milliseconds timeout) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
      return Expected<RunLock>::failure(dir + ": " + std::strerror(errno));
  }
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return Expected<RunLock>::failure(path + ": " + std::strerror(errno));
  RunLock lock(fd);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR)
      return Expected<RunLock>::failure(path + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline)
      return Expected<RunLock>::failure(path + ": still held by another docker-firewall-guard");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return lock;
}

RunLock& RunLock::operator=(RunLock&& other) noexcept {
  if (this != &other) {
    if (m_fd >= 0) close(m_fd);
    m_fd = other.m_fd;
    other.m_fd = -1;
  }
  return *this;
}

RunLock::~RunLock() {
  if (m_fd >= 0) close(m_fd);  // closing releases the flock
}

}  // namespace dfg
