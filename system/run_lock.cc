#include "run_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "runtime_dir.h"

namespace dfg {

Expected<RunLock> RunLock::acquire(const std::string& path, std::chrono::milliseconds timeout) {
  const auto slash = path.rfind('/');
  if (slash != std::string::npos && slash > 0) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), runtime::dir_mode) != 0 && errno != EEXIST)
      return fail(dir + ": " + std::strerror(errno));
  }
  const int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return fail(path + ": " + std::strerror(errno));
  RunLock lock(fd);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) return fail(path + ": " + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline)
      return fail(path + ": still held by another docker-firewall-guard");
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return lock;
}

RunLock::~RunLock() {
  if (m_fd >= 0) close(m_fd);  // closing releases the flock
}

Expected<std::unique_ptr<HeldLock>> FlockLocks::take(const std::string& path,
                                                     std::chrono::milliseconds timeout) {
  auto lock = RunLock::acquire(path, timeout);
  if (!lock) return fail(lock);
  return std::unique_ptr<HeldLock>(std::make_unique<RunLock>(std::move(lock).value()));
}

}  // namespace dfg
