// libFuzzer target: Docker's settings as the generator and the command read them, daemon.json
// and dockerd's command line (an ExecStart= line split as systemd splits it, then its flags).
#include <cstddef>
#include <cstdint>
#include <string>

#include "docker_settings.h"
#include "dockerd_flags.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  dfg::parse_daemon_json(text, "daemon.json");
  const auto words = dfg::split_exec_line(text, {"OPTIONS=--iptables=false", "EMPTY="});
  dfg::parse_dockerd_args(words);
  return 0;
}
