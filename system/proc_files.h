#pragma once

#include <string>

#include "processes.h"

namespace dfg {

/// Processes as /proc under `root` shows them ("/" but in tests).
class ProcFiles : public Processes {
 public:
  explicit ProcFiles(std::string root) : m_root(std::move(root)) {}
  Expected<std::string> cmdline(std::uint32_t pid) override;
  Expected<std::uint64_t> start_time(std::uint32_t pid) override;

 private:
  std::string m_root;
};

}  // namespace dfg
