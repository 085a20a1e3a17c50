// docker-firewall-guard-generator: a systemd generator (systemd.generator(7)) that ties
// the guarded service to the firewall units through a drop-in.
#include <cstdlib>
#include <exception>

#include "generate.h"
#include "kmsg_log.h"

int main(int argc, char** argv) {
  dfg::KmsgLog log("docker-firewall-guard-generator");
  // systemd passes normal, early and late directories; one is allowed for manual runs.
  if (argc != 2 && argc != 4) {
    log.log(dfg::LogLevel::Err, "expected 1 or 3 directories, got {}", argc - 1);
    return EXIT_FAILURE;
  }
  // Test-only: read config and unit files under this directory instead of "/".
  const char* root = std::getenv("DOCKER_FIREWALL_GUARD_ROOT");
  try {
    return dfg::generate(argv[1], root != nullptr && *root != '\0' ? root : "/", log);
  } catch (const std::exception& e) {
    log.log(dfg::LogLevel::Err, "{}", e.what());
    return EXIT_FAILURE;
  }
}
