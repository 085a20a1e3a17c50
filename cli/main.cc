// docker-firewall-guard: the administrator's command and the back end of the package hooks.
// Thin: register the subcommands (one file each), parse the arguments, run the one given on
// the real host, map the outcome to an exit status.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "deadline.h"
#include "exit_status.h"
#include "subcommand.h"

namespace dfg::cli {

void arm_quiet_deadline(Host& host, const char* message) {
  // A companion or hook never fails what runs it: past the deadline, it stops quietly (a
  // companion's unit's TimeoutSec= is later).
  host.arm_deadline = [message](unsigned seconds) { exit_quietly_after(seconds, message); };
}

Subcommand add_companion_subcommand(CLI::App& app, const char* name, const char* description,
                                    const char* flag, const char* flag_help,
                                    ExitStatus (*body)(HostView&, const std::string&, bool)) {
  struct Options {
    std::string firewall;
    bool flag = false;
  };
  auto options = std::make_shared<Options>();
  auto* sub = app.add_subcommand(name, description);
  sub->group("");  // strategy reconcile's companions run it; not for administrators
  sub->add_option("--firewall", options->firewall, "The firewall unit")->required();
  sub->add_flag(flag, options->flag, flag_help);
  return {sub, [options, body](SystemHost& system) {
            arm_quiet_deadline(system.host(),
                               "docker-firewall-guard: gave up waiting; nothing failed\n");
            HostView view(system.host());
            return body(view, options->firewall, options->flag);
          }};
}

}  // namespace dfg::cli

namespace {

constexpr const char* exit_status_help =
    "Exit status: 0 ok; 1 a problem found (Docker's rules are gone); 2 could not tell;\n"
    "64 bad arguments; 70 internal error; 78 config problems (config --check).";

}  // namespace

int main(int argc, char** argv) {
  using namespace dfg::cli;
  CLI::App app{"Keeps Docker's container networking alive across firewall restarts.",
               "docker-firewall-guard"};
  app.set_version_flag("--version", DFG_VERSION);
  app.require_subcommand(1);
  app.footer(exit_status_help);
  const std::vector<Subcommand> subcommands{
      add_check(app),    add_status(app),  add_restart_docker(app), add_after_transaction(app),
      add_snapshot(app), add_restore(app), add_config(app),
      add_clear_flows(app)};
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help, the version or the error
    return rc == 0 ? 0 : dfg::to_int(dfg::ExitStatus::Usage);
  }

  // Test-only: read files under this directory instead of "/".
  const char* root = std::getenv("DOCKER_FIREWALL_GUARD_ROOT");
  dfg::SystemHost system(root != nullptr && *root != '\0' ? root : "/");
  try {
    for (const auto& subcommand : subcommands)
      if (*subcommand.app) return dfg::to_int(subcommand.run(system));
  } catch (const std::exception& e) {
    std::cerr << "docker-firewall-guard: " << e.what() << "\n";
  }
  return dfg::to_int(dfg::ExitStatus::Internal);
}
