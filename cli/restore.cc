#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_restore(CLI::App& app) {
  return add_companion_subcommand(
      app, "restore", "Put Docker's saved rules back after FIREWALL", "--after-stop",
      "Run from the firewall's ExecStopPost=, right after its flush", run_restore);
}

}  // namespace dfg::cli
