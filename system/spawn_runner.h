#pragma once

#include "process_runner.h"

namespace dfg {

/// The real runner: posix_spawn(3) with a minimal environment (LC_ALL=C, so messages are
/// the same everywhere, and PATH=/usr/sbin:/usr/bin:/sbin:/bin, so the caller's PATH cannot
/// choose the binaries), no inherited descriptors.
class SpawnRunner : public ProcessRunner {
 public:
  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds timeout,
                    std::string_view input = {}) override;
};

}  // namespace dfg
