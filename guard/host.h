#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "clock.h"
#include "connection_tracking.h"
#include "docker_engine.h"
#include "error.h"
#include "journal_sink.h"
#include "locks.h"
#include "process_runner.h"
#include "processes.h"
#include "systemd.h"

namespace dfg {

/// The machine as the decisions (guard/) see it: every seam to the system, implemented in
/// system/ and assembled there in one place (system/system_host.h), by fakes in unit tests
/// (tests/unit/test_host.h). Files are read under `root`.
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
  /// Ends the process quietly with status 0 after `seconds`, writing `message` (a string
  /// literal) to standard output first (HostView::arm_deadline says when); unset: nothing.
  std::function<void(unsigned seconds, const char* message)> arm_deadline;
  /// Makes the process see the firewall systemd's units see; returns why not, or "" (the
  /// hooks; unset: nothing to join).
  std::function<std::string()> join_systemd_network;
};

}  // namespace dfg
