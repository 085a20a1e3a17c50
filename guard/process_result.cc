#include "process_result.h"

namespace dfg {

std::string failure_reason(const ProcessResult& run) {
  if (!run.error.empty()) return run.error;
  const auto line = run.err.substr(0, run.err.find('\n'));
  return "exited with " + std::to_string(run.exit_code) + ": " +
         (line.empty() ? "no message" : line);
}

}  // namespace dfg
