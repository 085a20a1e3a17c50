#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_restore(CLI::App& app) {
  // --after-stop: the name drop-ins of 0.x releases before --in-job used.
  return add_firewall_event_subcommand(
      app, "restore", "Put Docker's saved rules back after FIREWALL", "--in-job,--after-stop",
      "Run inside the firewall's own job (its ExecStartPost=, ExecReload=, ExecStopPost=): "
      "waits for no job",
      run_restore);
}

}  // namespace dfg::cli
