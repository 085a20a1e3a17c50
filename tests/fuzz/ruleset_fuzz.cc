// libFuzzer target: the iptables-save reader behind snapshot and restore, and what is made of
// what it accepts. A ruleset written back reads back the same; Docker's part of it and the
// restore scripts are made without crashing, and Docker's part of Docker's part is itself.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "ruleset.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = dfg::parse_ruleset(text);
  if (!parsed) return 0;
  const auto written = dfg::to_text(parsed.value());
  const auto again = dfg::parse_ruleset(written);
  if (!again || dfg::to_text(again.value()) != written) std::abort();
  const auto part = dfg::docker_part(parsed.value());
  if (dfg::to_text(dfg::docker_part(part)) != dfg::to_text(part)) std::abort();
  dfg::plan_restore(part, parsed.value());
  return 0;
}
