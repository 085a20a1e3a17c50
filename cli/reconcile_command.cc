#include "canary.h"
#include "commands.h"
#include "config.h"
#include "docker_config.h"
#include "docker_runtime.h"
#include "fs.h"
#include "host_checks.h"
#include "journal.h"
#include "reconcile.h"
#include "run_lock.h"

namespace dfg {

ExitStatus run_reconcile(CommandContext& context, bool dry_run) {
  const auto loaded = load_config(context.root);
  for (const auto& problem : loaded.problems)
    context.err << "warning: " << problem.to_string() << "\n";
  ReconcileOptions options;
  options.dry_run = dry_run || loaded.config.dry_run;
  options.timeout = std::chrono::seconds(loaded.config.timeout_seconds);

  auto refuse = [&](const std::string& why) {
    context.out << "reconcile: nothing done: " << why << "\n";
    return ExitStatus::Unknown;
  };
  if (const auto why = why_not_act(context.root); !why.empty()) return refuse(why);
  const auto lock = RunLock::acquire(join_root(context.root, reconcile_lock_path), options.timeout);
  if (!lock) return refuse(lock.error());
  auto systemd = context.connect_systemd();
  if (!systemd) return refuse(systemd.error());

  // The canary as check runs it; Docker's settings are read once, its rules each time.
  const auto docker = read_docker_facts(context.root);
  if (!docker.warning.empty()) context.err << "warning: " << docker.warning << "\n";
  std::optional<int> major;
  if (!docker.facts.ip6tables) major = dockerd_major(context.runner);
  const auto families = managed_families(docker.facts, major);
  auto canary = [&] { return check_docker_rules(context.runner, families); };

  const auto outcomes = reconcile(*systemd.value(), canary, loaded.config, options);
  std::string firewalls;
  for (const auto& f : loaded.config.firewalls) firewalls += (firewalls.empty() ? "" : " ") + f;
  for (const auto& outcome : outcomes) {
    context.out << to_line(outcome) << "\n";
    if (context.journal) journal_outcome(outcome, firewalls);
  }
  return exit_status(outcomes);
}

}  // namespace dfg
