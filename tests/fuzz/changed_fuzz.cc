// libFuzzer target: what the package hooks pass to after-transaction, --changed values and
// the file list of rpm's file trigger. An accepted NAME:ACTION must name a package exactly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "after_transaction.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const auto change = dfg::parse_package_change(text);
  if (change && text.compare(0, change.value().name.size(), change.value().name) != 0) std::abort();
  std::istringstream in(text);
  const auto paths = dfg::read_lines(in);
  dfg::firewall_unit_files(paths, dfg::Config{});
  return 0;
}
