#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "systemd.h"

namespace dfg {

/// A Systemd without systemd: units as the test sets them, every call recorded. A unit not
/// in `units` is "not-found". Waiting clears the unit's job and runs `on_wait`; a restart
/// runs `on_restart` (say, to put Docker's rules back) and returns `restart_result`.
class FakeSystemd : public Systemd {
 public:
  std::map<std::string, UnitStatus> units;
  std::string state = "running";
  std::string restart_result = "done";
  std::string restart_error;  ///< when set, try_restart fails with it
  std::function<void()> on_restart;
  std::function<void(const std::string&)> on_wait;
  std::vector<std::string> calls;

  Expected<UnitStatus> unit(const std::string& name) override {
    const auto it = units.find(name);
    if (it != units.end()) return it->second;
    UnitStatus missing;
    missing.load_state = "not-found";
    missing.active_state = "inactive";
    return missing;
  }
  Expected<std::string> system_state() override { return state; }
  Expected<Ok> reset_failed(const std::string& name) override {
    calls.push_back("reset-failed " + name);
    return Ok{};
  }
  Expected<std::string> try_restart(const std::string& name, std::chrono::milliseconds) override {
    calls.push_back("try-restart " + name);
    if (!restart_error.empty()) return fail(restart_error);
    if (on_restart) on_restart();
    return restart_result;
  }
  Expected<Ok> wait_until_idle(const std::string& name, std::chrono::milliseconds) override {
    calls.push_back("wait " + name);
    units[name].job_type.clear();
    if (on_wait) on_wait(name);
    return Ok{};
  }

  /// A loaded unit in `active_state`.
  void add(const std::string& name, const std::string& active_state = "active") {
    UnitStatus s;
    s.load_state = "loaded";
    s.active_state = active_state;
    units[name] = s;
  }
};

/// Hands a FakeSystemd the test keeps to code that wants to own its Systemd.
class ForwardingSystemd : public Systemd {
 public:
  explicit ForwardingSystemd(Systemd& target) : m_target(target) {}
  Expected<UnitStatus> unit(const std::string& n) override { return m_target.unit(n); }
  Expected<std::string> system_state() override { return m_target.system_state(); }
  Expected<Ok> reset_failed(const std::string& n) override { return m_target.reset_failed(n); }
  Expected<std::string> try_restart(const std::string& n, std::chrono::milliseconds t) override {
    return m_target.try_restart(n, t);
  }
  Expected<Ok> wait_until_idle(const std::string& n, std::chrono::milliseconds t) override {
    return m_target.wait_until_idle(n, t);
  }

 private:
  Systemd& m_target;
};

}  // namespace dfg
