#include "proc_files.h"

#include <cstdlib>

#include "fs.h"

namespace dfg {

Expected<std::string> ProcFiles::cmdline(std::uint32_t pid) {
  const auto path = join_root(m_root, "/proc/" + std::to_string(pid) + "/cmdline");
  auto text = read_file(path);
  if (!text) return fail(path + ": " + text.error());
  return text;
}

Expected<std::uint64_t> ProcFiles::start_time(std::uint32_t pid) {
  const auto path = join_root(m_root, "/proc/" + std::to_string(pid) + "/stat");
  const auto stat = read_file(path);
  if (!stat) return fail(path + ": " + stat.error());
  // "PID (COMM) STATE ..." where COMM may hold anything: count fields after the last ')'.
  const auto& text = stat.value();
  auto at = text.rfind(')');
  for (int field = 2; at != std::string::npos && field < 22; ++field) at = text.find(' ', at + 1);
  if (at == std::string::npos) return fail(path + ": unexpected format");
  return std::strtoull(text.c_str() + at + 1, nullptr, 10);
}

}  // namespace dfg
