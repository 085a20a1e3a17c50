#include <memory>
#include <string>

#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_snapshot(CLI::App& app) {
  struct Options {
    std::string firewall;
    bool before_stop = false;
  };
  auto options = std::make_shared<Options>();
  auto* snapshot =
      app.add_subcommand("snapshot", "Save Docker's rules before FIREWALL flushes them");
  snapshot->group("");  // strategy reconcile's companions run it; not for administrators
  snapshot->add_option("--firewall", options->firewall, "The firewall unit")->required();
  snapshot->add_flag(
      "--before-stop", options->before_stop,
      "Run from the after-unit's ExecStop=: save only while FIREWALL's stop is pending");
  return {snapshot, [options](SystemHost& system) {
            arm_quiet_deadline(system.host(),
                               "docker-firewall-guard: gave up waiting; nothing failed\n");
            HostView view(system.host());
            return run_snapshot(view, options->firewall, options->before_stop);
          }};
}

}  // namespace dfg::cli
