#pragma once

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "process_runner.h"

namespace dfg {

/// A program that started and exited with `code`.
inline ProcessResult exited(int code, std::string out = {}, std::string err = {}) {
  ProcessResult r;
  r.started = true;
  r.exit_code = code;
  r.out = std::move(out);
  r.err = std::move(err);
  return r;
}

/// A ProcessRunner that runs nothing: it records each argv and answers from `results`,
/// keyed for iptables-like calls by "PROGRAM TABLE LAST_WORD" ("iptables filter
/// DOCKER-FORWARD"), then "PROGRAM TABLE" ("iptables nat"), else by the program alone;
/// anything not listed exits 0 with no output.
class FakeRunner : public ProcessRunner {
 public:
  std::map<std::string, ProcessResult> results;
  std::vector<std::vector<std::string>> calls;
  std::vector<std::string> inputs;  ///< each call's standard input
  /// Runs before each call is answered (a test's world changing as programs act on it).
  std::function<void(const std::vector<std::string>&)> on_call;

  ProcessResult run(const std::vector<std::string>& argv, std::chrono::milliseconds,
                    std::string_view input = {}) override {
    calls.push_back(argv);
    inputs.emplace_back(input);
    if (on_call) on_call(argv);
    std::string key = argv.empty() ? std::string() : argv.front();
    const auto table = std::find(argv.begin(), argv.end(), "-t");
    if (table != argv.end() && table + 1 != argv.end()) {
      key += " " + *(table + 1);
      const auto rule = results.find(key + " " + argv.back());
      if (rule != results.end()) return rule->second;
    }
    const auto it = results.find(key);
    if (it != results.end()) return it->second;
    return exited(0);
  }
};

}  // namespace dfg
