#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "process_result.h"

namespace dfg {

/// Runs external programs. The narrow seam between the command's logic and the system:
/// unit tests use a fake; the command uses SpawnRunner (system/spawn_runner.h).
class ProcessRunner {
 public:
  virtual ~ProcessRunner() = default;
  /// Runs argv[0] (an absolute path, or a name looked up in a fixed PATH) with
  /// exactly these arguments; no shell ever sees them. `input` is its standard input (empty:
  /// /dev/null). Kills it after `timeout`.
  virtual ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                            std::string_view input = {}) = 0;
};

}  // namespace dfg
