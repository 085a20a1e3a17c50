// docker-firewall-guard: the administrator's command and the back end of the package hooks.
// Thin: register the subcommands (one file each), parse the arguments, run the one given on
// the real host, map the outcome to an exit status.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "exit_status.h"
#include "subcommand.h"

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
      add_snapshot(app), add_restore(app), add_config(app),         add_clear_flows(app)};
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
