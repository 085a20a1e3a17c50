// libFuzzer target: the snapshot file reader (restore reads what /run holds, whoever wrote
// it). What it accepts, rendered again, reads back the same.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "snapshot_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto parsed = dfg::parse_snapshot(text);
  if (!parsed) return 0;
  const auto rendered = dfg::render_snapshot(parsed.value());
  const auto again = dfg::parse_snapshot(rendered);
  if (!again || dfg::render_snapshot(again.value()) != rendered) std::abort();
  return 0;
}
