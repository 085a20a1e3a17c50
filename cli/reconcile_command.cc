#include "after_transaction.h"
#include "canary.h"
#include "commands.h"
#include "config.h"
#include "docker_config.h"
#include "docker_runtime.h"
#include "fs.h"
#include "host_checks.h"
#include "join.h"
#include "journal.h"
#include "reconcile.h"
#include "run_lock.h"

namespace dfg {

namespace {

/// reconcile with the refusals, the lock, the canary and the reporting around it. With
/// `quiet_when_fine`, outcomes with nothing to do go to the journal only.
ExitStatus reconcile_and_report(CommandContext& context, const LoadedConfig& loaded, bool dry_run,
                                bool quiet_when_fine, bool no_block = false) {
  ReconcileOptions options;
  options.dry_run = dry_run || loaded.config.dry_run;
  options.no_block = no_block;
  options.timeout = std::chrono::seconds(loaded.config.timeout_seconds);
  options.rules_grace = restart_rules_grace;

  auto refuse = [&](const std::string& why) {
    context.out << "docker-firewall-guard: nothing done: " << why << "\n";
    return ExitStatus::Unknown;
  };
  if (const auto why = why_not_act(context.root); !why.empty()) return refuse(why);
  const auto lock = RunLock::acquire(join_root(context.root, reconcile_lock_path), options.timeout);
  if (!lock) return refuse(lock.error());
  auto systemd = context.connect_systemd();
  if (!systemd) return refuse(systemd.error());

  // The canary as check runs it; Docker's settings are read once, its rules each time.
  const auto& service = loaded.config.services.front();
  const auto unit = systemd.value()->unit(service);
  const auto docker = docker_settings(context.root, service, unit ? unit.value().main_pid : 0);
  if (!docker.warning.empty()) context.err << "warning: " << docker.warning << "\n";
  const auto families = families_to_check(context.runner, context.root, docker.facts);
  auto canary = [&] { return check_docker_rules(context.runner, families); };

  const auto outcomes = reconcile(*systemd.value(), canary, loaded.config, options);
  const auto firewalls = join(loaded.config.firewalls);
  for (const auto& outcome : outcomes) {
    if (!quiet_when_fine || outcome.action != ReconcileAction::Nothing)
      context.out << to_line(outcome) << "\n";
    if (context.journal) journal_outcome(outcome, firewalls);
  }
  return exit_status(outcomes);
}

}  // namespace

ExitStatus run_reconcile(CommandContext& context, bool dry_run) {
  const auto loaded = load_config(context.root);
  for (const auto& problem : loaded.problems)
    context.err << "warning: " << problem.to_string() << "\n";
  return reconcile_and_report(context, loaded, dry_run, false);
}

ExitStatus run_after_transaction(CommandContext& context, const TransactionReport& report) {
  std::vector<PackageChange> changes;
  for (const auto& value : report.changed) {
    auto change = parse_package_change(value);
    if (!change) {
      context.err << "docker-firewall-guard: " << change.error() << "\n";
      return ExitStatus::Usage;
    }
    changes.push_back(std::move(change).value());
  }
  // Every transaction comes here: an unrelated one costs reading the config, nothing more.
  const auto loaded = load_config(context.root);
  if (relevant_changes(changes, loaded.config).empty() &&
      firewall_unit_files(report.unit_files, loaded.config).empty())
    return ExitStatus::Ok;
  // Never hang a transaction: the longest waits are two [hook] timeouts (the jobs systemd
  // queued, then the restart).
  if (context.arm_deadline) context.arm_deadline(2 * loaded.config.timeout_seconds + 30);
  if (context.join_systemd_network) {
    if (const auto why = context.join_systemd_network(); !why.empty()) {
      context.out << "docker-firewall-guard: nothing done: " << why << "\n";
      return ExitStatus::Ok;
    }
  }
  const bool report_only = loaded.config.hook_action == HookAction::Report;
  // Whatever happened, the transaction is not ours to fail: the outcome is in the lines.
  reconcile_and_report(context, loaded, report.dry_run || report_only, true, report.no_block);
  return ExitStatus::Ok;
}

}  // namespace dfg
