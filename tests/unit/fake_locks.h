#pragma once

#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "clock.h"
#include "locks.h"

namespace dfg::test {

/// Locks as an in-memory table, waiting on the test's clock: taking a lock that is held (by
/// the test, as another run's, or by the code under test) sleeps out the whole timeout on
/// that clock and fails as system/run_lock.h's does, so no test waits in real time.
class FakeLocks : public Locks {
 public:
  explicit FakeLocks(Clock& clock) : m_clock(clock) {}

  Expected<std::unique_ptr<HeldLock>> take(const std::string& path,
                                           std::chrono::milliseconds timeout) override {
    if (m_held.count(path) != 0) {
      m_clock.sleep_for(timeout);
      return fail(path + ": still held by another docker-firewall-guard");
    }
    return std::unique_ptr<HeldLock>(std::make_unique<Held>(m_held, path));
  }

 private:
  class Held : public HeldLock {
   public:
    Held(std::set<std::string>& held, std::string path) : m_held(held), m_path(std::move(path)) {
      m_held.insert(m_path);
    }
    ~Held() override { m_held.erase(m_path); }

   private:
    std::set<std::string>& m_held;
    std::string m_path;
  };

  Clock& m_clock;
  std::set<std::string> m_held;
};

}  // namespace dfg::test
