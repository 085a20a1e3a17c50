#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_snapshot(CLI::App& app) {
  return add_firewall_event_subcommand(
      app, "snapshot", "Save Docker's rules before FIREWALL flushes them", "--before-stop",
      "Run from the after-unit's ExecStop=: save only while FIREWALL's stop is pending",
      run_snapshot);
}

}  // namespace dfg::cli
