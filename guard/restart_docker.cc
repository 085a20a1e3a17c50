#include "subcommands.h"

#include "restart_and_report.h"

namespace dfg {

ExitStatus run_restart(HostView& view, bool dry_run) {
  for (const auto& problem : view.loaded().problems)
    view.host().err << "warning: " << problem.to_string() << "\n";
  return restart_and_report(view, dry_run, false);
}

}  // namespace dfg
