#pragma once

#include <cstdint>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "connection_tracking.h"

namespace dfg::test {

/// One line of `conntrack -L` (conntrack-tools): the protocol, then key=value pairs, the first
/// src/dst/sport/dport of the original direction, the second of the reply (words without '='
/// are skipped).
inline TrackedFlow parse_conntrack_line(const std::string& line) {
  TrackedFlow flow;
  std::istringstream words(line);
  std::string word;
  int srcs = 0, dsts = 0, sports = 0, dports = 0;
  auto port = [](const std::string& v) { return static_cast<std::uint16_t>(std::stoi(v)); };
  while (words >> word) {
    const auto eq = word.find('=');
    if (eq == std::string::npos) continue;
    const auto key = word.substr(0, eq), value = word.substr(eq + 1);
    if (key == "src") (srcs++ == 0 ? flow.orig_src : flow.reply_src) = value;
    if (key == "dst") (dsts++ == 0 ? flow.orig_dst : flow.reply_dst) = value;
    if (key == "sport") (sports++ == 0 ? flow.orig_sport : flow.reply_sport) = port(value);
    if (key == "dport") (dports++ == 0 ? flow.orig_dport : flow.reply_dport) = port(value);
  }
  flow.family = family_of_address(flow.orig_src);
  return flow;
}

/// Connection tracking as recorded: entries (`conntrack -L` lines, tests/data/conntrack) and
/// the host's addresses; remove_if deletes from them and counts.
class RecordedConntrack : public ConnectionTracking {
 public:
  std::vector<TrackedFlow> entries;
  std::vector<std::string> local{"127.0.0.1", "::1"};
  std::vector<TrackedFlow> removed;
  int dumps = 0;

  void load(const std::string& path) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);)
      if (!line.empty() && line[0] != '#') entries.push_back(parse_conntrack_line(line));
  }
  Expected<std::size_t> remove_if(const std::function<bool(const TrackedFlow&)>& broken) override {
    ++dumps;
    std::vector<TrackedFlow> kept;
    std::size_t count = 0;
    for (auto& flow : entries) {
      if (broken(flow)) {
        removed.push_back(flow);
        ++count;
      } else {
        kept.push_back(flow);
      }
    }
    entries = std::move(kept);
    return count;
  }
  Expected<std::vector<std::string>> local_addresses() override { return local; }
};

}  // namespace dfg::test
