#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "error.h"

namespace dfg {

/// What the command needs to know about one unit, from systemd's D-Bus properties.
struct UnitStatus {
  std::string load_state;      ///< loaded, not-found, masked, ...
  std::string active_state;    ///< active, inactive, failed, activating, deactivating, reloading
  std::string sub_state;       ///< running, exited, dead, ...
  std::string job_type;        ///< the type of the job queued for it ("restart", ...), or empty
  std::uint32_t main_pid = 0;  ///< MainPID (services only)
  std::vector<std::string> drop_in_paths;
  std::vector<std::string> requires_units;  ///< Requires= ("requires" is a C++20 keyword)
  std::vector<std::string> part_of;
  std::vector<std::string> after;
};

/// systemd's manager, narrowed to what the command does with it. The real one speaks
/// D-Bus (sd-bus, sd_bus_systemd.h); unit tests use a fake. Errors name the operation.
class Systemd {
 public:
  virtual ~Systemd() = default;

  /// The unit's status; loads its unit file if systemd has not (so "not-found" shows).
  virtual Expected<UnitStatus> unit(const std::string& name) = 0;

  /// The manager's SystemState: initializing, starting, running, degraded, maintenance,
  /// stopping, offline.
  virtual Expected<std::string> system_state() = 0;

  /// ResetFailedUnit: clears the failed state and the start rate limit's counter.
  virtual Expected<Ok> reset_failed(const std::string& name) = 0;

  /// TryRestartUnit in "replace" mode, then waits for that job's JobRemoved signal up to
  /// `timeout`. Returns the job's result ("done", "failed", "timeout", ...); an error when
  /// the job could not be queued or did not finish in time. A zero `timeout` waits for
  /// nothing and returns "queued".
  virtual Expected<std::string> try_restart(const std::string& name,
                                            std::chrono::milliseconds timeout) = 0;

  /// Waits until the unit has no job queued, up to `timeout`; an error when one still is.
  virtual Expected<Ok> wait_until_idle(const std::string& name,
                                       std::chrono::milliseconds timeout) = 0;
};

}  // namespace dfg
