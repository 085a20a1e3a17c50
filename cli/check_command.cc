#include "canary.h"
#include "commands.h"
#include "config.h"
#include "docker_config.h"
#include "docker_runtime.h"

namespace dfg {

ExitStatus run_check(CommandContext& context) {
  // Without asking systemd: what docker.service's files and daemon.json say.
  const auto config = load_config(context.root).config;
  const auto docker = docker_settings(context.root, config.services.front(), 0);
  if (!docker.warning.empty()) context.err << "warning: " << docker.warning << "\n";
  const auto result = check_docker_rules(
      context.runner, families_to_check(context.runner, context.root, docker.facts));

  const auto overall = result.overall();
  context.out << "Docker's rules: " << to_string(overall) << " (" << describe(result) << ")\n";

  switch (overall) {
    case RulesState::Present:
    case RulesState::NotManaged: return ExitStatus::Ok;
    case RulesState::Flushed: return ExitStatus::Problem;
    case RulesState::Unknown: return ExitStatus::Unknown;
  }
  return ExitStatus::Unknown;
}

}  // namespace dfg
