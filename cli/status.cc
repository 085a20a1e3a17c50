#include <memory>

#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_status(CLI::App& app) {
  auto json = std::make_shared<bool>(false);
  auto* status = app.add_subcommand("status", "Is Docker protected, and why?");
  status->footer(
      "The verdict and its reason; the config files and their problems; what systemd loaded\n"
      "for the guarded service (drop-in, dependencies); each firewall unit's state and\n"
      "whether it is bound; Docker's rules; live-restore; advice. Exits 0 when protected (or\n"
      "there is nothing to guard), 1 when not or when the rules are gone, 2 when it cannot\n"
      "tell.");
  status->add_flag("--json", *json, "The same facts as one JSON object");
  return on_host_view(status, [json](HostView& view) { return run_status(view, *json); });
}

}  // namespace dfg::cli
