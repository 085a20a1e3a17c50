#include "restart_and_report.h"

#include "fs.h"
#include "join.h"
#include "journal.h"
#include "restart.h"
#include "runtime_dir.h"

namespace dfg {

ExitStatus restart_and_report(HostView& view, bool dry_run, bool quiet_when_fine, bool no_block) {
  auto& host = view.host();
  const auto& config = view.config();
  RestartOptions options;
  options.dry_run = dry_run || config.dry_run;
  options.no_block = no_block;
  options.timeout = view.timeout();
  options.rules_grace = restart_rules_grace;

  auto refuse = [&](const std::string& why) {
    host.out << "docker-firewall-guard: nothing done: " << why << "\n";
    return ExitStatus::Unknown;
  };
  if (const auto& why = view.refusal(); !why.empty()) return refuse(why);
  const auto lock = host.locks.take(join_root(host.root, runtime::restart_lock), options.timeout);
  if (!lock) return refuse(lock.error());
  auto systemd = view.systemd();
  if (!systemd) return refuse(systemd.error());

  // The canary as check runs it; Docker's settings are read once, its rules each time.
  view.warn_about_docker_settings();
  const auto outcome = restart_if_flushed(
      *systemd.value(), host.clock, [&] { return view.canary(); }, config, options);
  if (!quiet_when_fine || outcome.action != RestartAction::Nothing)
    host.out << to_line(outcome) << "\n";
  host.journal.send(restart_entry(outcome, join(config.firewalls)));
  return exit_status(outcome);
}

}  // namespace dfg
