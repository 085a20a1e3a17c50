// libFuzzer target: every parser that reads an administrator's input. None may crash,
// hang or leak, and whatever the config loader accepts must be valid.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "config.h"
#include "docker_config.h"
#include "unit_name.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);

  dfg::LoadedConfig loaded;
  dfg::apply_config_text(loaded, text, "fuzz.conf");
  for (const auto* list : {&loaded.config.services, &loaded.config.firewalls}) {
    for (const auto& unit : *list) {
      if (!dfg::is_valid_unit_name(unit)) std::abort();
    }
  }
  if (loaded.config.timeout_seconds == 0) std::abort();

  dfg::parse_docker_facts(text, "daemon.json");
  dfg::unit_name_problem(text);
  dfg::unit_template_of(text);
  return 0;
}
