// libFuzzer target: the config parser and the unit-name checks, as an administrator's file
// reaches them. Nothing may crash or hang, and whatever the loader accepts must be valid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config.h"
#include "unit_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dfg::LoadedConfig loaded;
  dfg::apply_config_text(loaded, text, "fuzz.conf");
  // Whatever the text, every unit name in effect is a valid one.
  if (!dfg::is_valid_unit_name(loaded.config.service)) std::abort();
  for (const auto& unit : loaded.config.firewalls) {
    if (!dfg::is_valid_unit_name(unit)) std::abort();
  }
  if (loaded.config.timeout_seconds == 0 || loaded.config.timeout_seconds > 3600) std::abort();
  dfg::unit_name_problem(text);
  dfg::unit_template_of(text);
  return 0;
}
