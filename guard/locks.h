#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "error.h"

namespace dfg {

/// A lock held until destroyed.
class HeldLock {
 public:
  virtual ~HeldLock() = default;
};

/// Exclusive locks by path, so that runs started at the same moment (the dnf plugin and an
/// rpm trigger, two firewalls' restores) take turns: flock(2) in the command
/// (system/run_lock.h), an in-memory table that waits on the fake clock in unit tests
/// (tests/unit/fake_locks.h).
class Locks {
 public:
  virtual ~Locks() = default;
  /// Takes the lock on `path` (under the host's root), waiting up to `timeout`; an error
  /// naming the path when it cannot.
  virtual Expected<std::unique_ptr<HeldLock>> take(const std::string& path,
                                                   std::chrono::milliseconds timeout) = 0;
};

}  // namespace dfg
