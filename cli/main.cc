// docker-firewall-guard: the administrator's command and the back end of the package hooks.
// Thin: parse the arguments, run one subcommand, map the outcome to an exit status.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "after_transaction.h"
#include "commands.h"
#include "deadline.h"
#include "error.h"
#include "exit_status.h"
#include "host_checks.h"
#include "process.h"
#include "sd_bus_systemd.h"

namespace {

constexpr const char* exit_status_help =
    "Exit status: 0 ok; 1 a problem found (Docker's rules are gone); 2 could not tell;\n"
    "64 bad arguments; 70 internal error; 78 config problems (config --check).";

dfg::Expected<std::unique_ptr<dfg::Systemd>> connect_bus() {
  auto bus = dfg::SdBusSystemd::connect();
  if (!bus) return dfg::Expected<std::unique_ptr<dfg::Systemd>>::failure(bus.error());
  return dfg::Expected<std::unique_ptr<dfg::Systemd>>(std::move(bus).value());
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Keeps Docker's container networking alive across firewall restarts.",
               "docker-firewall-guard"};
  app.set_version_flag("--version", DFG_VERSION);
  app.require_subcommand(1);
  app.footer(exit_status_help);

  auto* check = app.add_subcommand("check", "Are Docker's firewall rules in place?");
  check->footer(
      "For IPv4, and IPv6 when Docker manages it, checks that filter FORWARD jumps to\n"
      "DOCKER-USER and nat PREROUTING to DOCKER. Prints one line; exits 0 when the rules are\n"
      "present (or Docker manages none), 1 when they were flushed, 2 when it cannot tell.");
  bool json = false;
  auto* status = app.add_subcommand("status", "Is Docker protected, and why?");
  status->footer(
      "The verdict and its reason; the config files and their problems; what systemd loaded\n"
      "for each guarded service (drop-in, dependencies); each firewall unit's state and\n"
      "whether it is bound; Docker's rules; live-restore; advice. Exits 0 when protected (or\n"
      "there is nothing to guard), 1 when not or when the rules are gone, 2 when it cannot\n"
      "tell.");
  status->add_flag("--json", json, "The same facts as one JSON object");
  bool dry_run = false;
  auto* reconcile = app.add_subcommand(
      "reconcile", "Restart each guarded service whose firewall rules are gone, once");
  reconcile->footer(
      "Does nothing when the service is not active, the system is shutting down, Docker\n"
      "manages no rules or they are present. Waits for jobs systemd already queued for the\n"
      "firewalls or the service, then asks again; clears Docker's failed state and start\n"
      "limit, try-restarts it and waits up to [hook] timeout; checks the rules again. One\n"
      "line per service on stdout and in the journal. Refuses in a chroot, during an offline\n"
      "update and without systemd. Exits 0 when all is well, 1 when the rules stay gone (or\n"
      "would be restarted in a dry run), 2 when it could not tell or act.");
  reconcile->add_flag("--dry-run", dry_run, "Say what would be done; change nothing");
  dfg::TransactionReport transaction;
  auto* after =
      app.add_subcommand("after-transaction", "What the package hooks call after a transaction");
  after->footer(
      "When a package of [hook] packages was upgraded, downgraded, reinstalled or removed,\n"
      "or a [guard] firewall's unit file was written or removed, does what reconcile does\n"
      "([hook] action = restart) or only reports (action = report). Silent for any other\n"
      "transaction. Prints a line only for what it did or found wrong. Always exits 0 (bad\n"
      "arguments aside): the run is cut after twice [hook] timeout plus 30 s, and a\n"
      "transaction is never failed by it.");
  after
      ->add_option("--changed", transaction.changed, "A package and what the transaction did to it")
      ->type_name("NAME:ACTION")
      ->expected(1, -1);
  after
      ->add_option("--unit-files", transaction.unit_files,
                   "Files the transaction wrote or removed; '-' reads them from standard "
                   "input, one per line, as rpm's file triggers give them")
      ->type_name("PATH")
      ->expected(1, -1);
  after->add_flag("--dry-run", transaction.dry_run, "Say what would be done; change nothing");
  after->add_flag("--no-block", transaction.no_block,
                  "Queue a restart and return (for rpm's triggers, inside the transaction)");
  // The companions of strategy reconcile run these; not for administrators, so not listed.
  std::string firewall;
  auto* snapshot =
      app.add_subcommand("snapshot", "Save Docker's rules before FIREWALL flushes them");
  snapshot->group("");
  snapshot->add_option("--firewall", firewall, "The firewall unit")->required();
  bool before_stop = false;
  snapshot->add_flag(
      "--before-stop", before_stop,
      "Run from the after-unit's ExecStop=: save only while FIREWALL's stop is pending");
  bool after_stop = false;
  auto* restore = app.add_subcommand("restore", "Put Docker's saved rules back after FIREWALL");
  restore->group("");
  restore->add_option("--firewall", firewall, "The firewall unit")->required();
  restore->add_flag("--after-stop", after_stop,
                    "Run from the firewall's ExecStopPost=: wait while a start follows");
  bool check_only = false;
  auto* config = app.add_subcommand("config", "Print the configuration in effect");
  config->footer(
      "Each value is followed by the file it came from, or 'default'; problems go to\n"
      "standard error as 'FILE: [section] key: problem'.");
  config->add_flag("--check", check_only,
                   "Only validate: print the problems and exit 78 when there is any");

  try {
    app.parse(argc, argv);
    if (*after && transaction.changed.empty() && transaction.unit_files.empty())
      throw CLI::ValidationError("after-transaction", "needs --changed or --unit-files");
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);  // prints help, the version or the error
    return rc == 0 ? 0 : dfg::to_int(dfg::ExitStatus::Usage);
  }

  // Test-only: read files under this directory instead of "/".
  const char* root = std::getenv("DOCKER_FIREWALL_GUARD_ROOT");
  dfg::SpawnRunner runner;
  dfg::CommandContext context{root != nullptr && *root != '\0' ? root : "/",
                              runner,
                              std::cout,
                              std::cerr,
                              connect_bus,
                              true,
                              {},
                              {}};
  try {
    if (*status) return dfg::to_int(dfg::run_status(context, json));
    if (*check) return dfg::to_int(dfg::run_check(context));
    if (*config) return dfg::to_int(dfg::run_config(context, check_only));
    if (*reconcile) return dfg::to_int(dfg::run_reconcile(context, dry_run));
    if (*snapshot || *restore) {
      // A companion never fails its firewall: past twice [hook] timeout plus 30 s, it stops
      // quietly (its unit's TimeoutSec= is later).
      context.arm_deadline = [](unsigned seconds) {
        dfg::exit_quietly_after(seconds,
                                "docker-firewall-guard: gave up waiting; nothing failed\n");
      };
      return dfg::to_int(*snapshot ? dfg::run_snapshot(context, firewall, before_stop)
                                   : dfg::run_restore(context, firewall, after_stop));
    }
    if (*after) {
      context.arm_deadline = [](unsigned seconds) {
        dfg::exit_quietly_after(
            seconds, "docker-firewall-guard: after-transaction: gave up waiting; nothing failed\n");
      };
      context.join_systemd_network = dfg::join_systemd_network_namespace;
      if (transaction.unit_files == std::vector<std::string>{"-"})
        transaction.unit_files = dfg::read_lines(std::cin);
      return dfg::to_int(dfg::run_after_transaction(context, transaction));
    }
  } catch (const std::exception& e) {
    std::cerr << "docker-firewall-guard: " << e.what() << "\n";
  }
  return dfg::to_int(dfg::ExitStatus::Internal);
}
