#pragma once

#include <string>

namespace dfg {

/// How a program run ended. `started` is false when it could not be run at all (no such
/// binary, no permission); `timed_out` when it was killed at the deadline. exit_code is
/// meaningful only for a program that started, was not killed and exited by itself.
struct ProcessResult {
  bool started = false;
  bool timed_out = false;
  int exit_code = -1;
  std::string out;    ///< standard output, at most 16 MiB (iptables-save of a large host)
  std::string err;    ///< standard error, at most 16 MiB too
  std::string error;  ///< why it did not start or was killed, for messages
};

/// Why a run did not succeed, in one line: the runner's own error (not started, killed), or
/// "exited with N: " and the first line of its standard error.
std::string failure_reason(const ProcessResult& run);

}  // namespace dfg
