#pragma once

#include <cstdint>
#include <string>

#include "error.h"

namespace dfg {

/// The running processes, narrowed to what the decisions ask of them: /proc in the command
/// (system/proc_files.h), files under a temporary root in unit tests.
class Processes {
 public:
  virtual ~Processes() = default;
  /// Its command line, NUL-separated as /proc/PID/cmdline has it.
  virtual Expected<std::string> cmdline(std::uint32_t pid) = 0;
  /// When it started (field 22 of /proc/PID/stat), so a restarted dockerd is told apart
  /// even with the same PID.
  virtual Expected<std::uint64_t> start_time(std::uint32_t pid) = 0;
};

}  // namespace dfg
