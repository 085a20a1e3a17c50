#include <memory>

#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_restart_docker(CLI::App& app) {
  auto dry_run = std::make_shared<bool>(false);
  auto* restart = app.add_subcommand(
      "restart-docker", "Restart the guarded service once if its firewall rules are gone");
  // Its name until 0.1: scripts and timers that call it keep working.
  restart->alias("reconcile");
  restart->footer(
      "Alias: reconcile. Does nothing when the service is not active, the system is shutting\n"
      "down, Docker manages no rules or they are present. Waits for jobs systemd already\n"
      "queued for the firewalls or the service, then asks again; clears Docker's failed state\n"
      "and start limit, try-restarts it and waits up to [hook] timeout; checks the rules\n"
      "again. One line on stdout and in the journal. Refuses in a chroot, during an offline\n"
      "update and without systemd. Exits 0 when all is well, 1 when the rules stay gone (or\n"
      "would be restarted in a dry run), 2 when it could not tell or act.");
  restart->add_flag("--dry-run", *dry_run, "Say what would be done; change nothing");
  return on_host_view(restart, [dry_run](HostView& view) { return run_restart(view, *dry_run); });
}

}  // namespace dfg::cli
