#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "clock.h"
#include "docker_engine.h"
#include "error.h"
#include "flows.h"
#include "journal.h"
#include "locks.h"
#include "process_runner.h"
#include "systemd.h"

namespace dfg {

/// The running processes, narrowed to what the decisions ask of them (/proc in the command,
/// system/proc_files.h).
class Processes {
 public:
  virtual ~Processes() = default;
  /// Its command line, NUL-separated as /proc/PID/cmdline has it.
  virtual Expected<std::string> cmdline(std::uint32_t pid) = 0;
  /// When it started (field 22 of /proc/PID/stat), so a restarted dockerd is told apart
  /// even with the same PID.
  virtual Expected<std::uint64_t> start_time(std::uint32_t pid) = 0;
};

/// The machine as the decisions (guard/) see it: every seam to the system, implemented in
/// system/ (system/system_host.h) and by fakes in unit tests. Files are read under `root`.
struct Host {
  std::string root = "/";  ///< "/" but in tests
  ProcessRunner& runner;
  Processes& processes;
  Journal& journal;
  Clock& clock;
  Locks& locks;
  DockerEngine& docker;
  ConnectionTracking& conntrack;
  std::ostream& out;
  std::ostream& err;
  /// Connects to systemd.
  std::function<Expected<std::unique_ptr<Systemd>>()> connect_systemd;
  /// Why nothing may be restarted on this system (a chroot, an offline update, no systemd),
  /// or "".
  std::function<std::string()> why_not_act;
  /// Ends the process quietly with status 0 after so many seconds (the hooks and the
  /// companions, which must never hang what runs them); unset: nothing.
  std::function<void(unsigned)> arm_deadline;
  /// Makes the process see the firewall systemd's units see; returns why not, or "" (the
  /// hooks; unset: nothing to join).
  std::function<std::string()> join_systemd_network;
};

}  // namespace dfg
