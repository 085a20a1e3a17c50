#pragma once

#include <string>
#include <vector>

namespace dfg {

/// The words with `separator` between them: join({"a", "b"}, ", ") is "a, b".
inline std::string join(const std::vector<std::string>& words, const char* separator = " ") {
  std::string out;
  for (const auto& w : words) {
    if (!out.empty()) out += separator;
    out += w;
  }
  return out;
}

}  // namespace dfg
