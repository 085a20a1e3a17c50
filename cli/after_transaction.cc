#include <iostream>
#include <memory>

#include "after_transaction.h"
#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_after_transaction(CLI::App& app) {
  auto report = std::make_shared<TransactionReport>();
  auto* after =
      app.add_subcommand("after-transaction", "What the package hooks call after a transaction");
  after->footer(
      "When a package of [hook] packages was upgraded, downgraded, reinstalled or removed,\n"
      "or a [guard] firewall's unit file was written or removed, does what restart-docker\n"
      "does ([hook] action = restart) or only reports (action = report). Silent for any other\n"
      "transaction. Prints a line only for what it did or found wrong. Always exits 0 (bad\n"
      "arguments aside): the run is cut after twice [hook] timeout plus 30 s, and a\n"
      "transaction is never failed by it.");
  after->add_option("--changed", report->changed, "A package and what the transaction did to it")
      ->type_name("NAME:ACTION")
      ->expected(1, -1);
  after
      ->add_option("--unit-files", report->unit_files,
                   "Files the transaction wrote or removed; '-' reads them from standard "
                   "input, one per line, as rpm's file triggers give them")
      ->type_name("PATH")
      ->expected(1, -1);
  after->add_flag("--dry-run", report->dry_run, "Say what would be done; change nothing");
  after->add_flag("--no-block", report->no_block,
                  "Queue a restart and return (for rpm's triggers, inside the transaction)");
  after->callback([after, report] {
    if (report->changed.empty() && report->unit_files.empty())
      throw CLI::ValidationError(after->get_name(), "needs --changed or --unit-files");
  });
  return {after, [report](SystemHost& system) {
            if (report->unit_files == std::vector<std::string>{"-"})
              report->unit_files = read_lines(std::cin);
            HostView view(system.host());
            return run_after_transaction(view, *report);
          }};
}

}  // namespace dfg::cli
