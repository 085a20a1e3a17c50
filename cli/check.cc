#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_check(CLI::App& app) {
  auto* check = app.add_subcommand("check", "Are Docker's firewall rules in place?");
  check->footer(
      "For IPv4, and IPv6 when Docker manages it, checks that filter FORWARD jumps to\n"
      "DOCKER-USER and nat PREROUTING to DOCKER. Prints one line; exits 0 when the rules are\n"
      "present (or Docker manages none), 1 when they were flushed, 2 when it cannot tell.");
  return {check, [](SystemHost& system) { return run_check(system.host()); }};
}

}  // namespace dfg::cli
