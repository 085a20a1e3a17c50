#include <memory>

#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_config(CLI::App& app) {
  auto check_only = std::make_shared<bool>(false);
  auto* config = app.add_subcommand("config", "Print the configuration in effect");
  config->footer(
      "Each value is followed by the file it came from, or 'default'; problems go to\n"
      "standard error as 'FILE: [section] key: problem'.");
  config->add_flag("--check", *check_only,
                   "Only validate: print the problems and exit 78 when there is any");
  return on_host_view(config,
                      [check_only](HostView& view) { return run_config(view, *check_only); });
}

}  // namespace dfg::cli
