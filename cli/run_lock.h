#pragma once

#include <chrono>
#include <string>

#include "error.h"

namespace dfg {

/// An exclusive flock(2) on a file, held until destruction, so that two reconciles started at
/// the same moment (the dnf plugin and an RPM trigger, say) run one after the other: the
/// second then finds Docker's rules back and does nothing.
class RunLock {
 public:
  /// Takes the lock on `path` (creating the file and its directory, mode 0700), waiting up to
  /// `timeout`; an error naming the path when it cannot.
  static Expected<RunLock> acquire(const std::string& path, std::chrono::milliseconds timeout);

  RunLock() = default;
  RunLock(RunLock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
  RunLock& operator=(RunLock&& other) noexcept;
  ~RunLock();
  RunLock(const RunLock&) = delete;
  RunLock& operator=(const RunLock&) = delete;

 private:
  explicit RunLock(int fd) : m_fd(fd) {}
  int m_fd = -1;
};

/// Where reconcile's lock lives.
extern const char* const reconcile_lock_path;

/// The lock `restore` holds (strategy reconcile's companions).
extern const char* const restore_lock_path;

}  // namespace dfg
