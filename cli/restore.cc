#include <memory>
#include <string>

#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_restore(CLI::App& app) {
  struct Options {
    std::string firewall;
    bool after_stop = false;
  };
  auto options = std::make_shared<Options>();
  auto* restore = app.add_subcommand("restore", "Put Docker's saved rules back after FIREWALL");
  restore->group("");  // strategy reconcile's companions run it; not for administrators
  restore->add_option("--firewall", options->firewall, "The firewall unit")->required();
  restore->add_flag("--after-stop", options->after_stop,
                    "Run from the firewall's ExecStopPost=: wait while a start follows");
  return {restore, [options](SystemHost& system) {
            arm_quiet_deadline(system.host(),
                               "docker-firewall-guard: gave up waiting; nothing failed\n");
            HostView view(system.host());
            return run_restore(view, options->firewall, options->after_stop);
          }};
}

}  // namespace dfg::cli
