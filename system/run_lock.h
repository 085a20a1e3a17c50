#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "error.h"
#include "locks.h"

namespace dfg {

/// An exclusive flock(2) on a file, held until destruction, so that two runs started at
/// the same moment (the dnf plugin and an RPM trigger, say) run one after the other: the
/// second then finds Docker's rules back and does nothing.
class RunLock : public HeldLock {
 public:
  /// Takes the lock on `path` (creating the file and its directory, mode 0700), waiting up to
  /// `timeout`; an error naming the path when it cannot.
  static Expected<RunLock> acquire(const std::string& path, std::chrono::milliseconds timeout);

  RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  ~RunLock() override;
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

/// Locks as flock(2) on files (RunLock).
class FlockLocks : public Locks {
 public:
  Expected<std::unique_ptr<HeldLock>> take(const std::string& path,
                                           std::chrono::milliseconds timeout) override;
};

}  // namespace dfg
