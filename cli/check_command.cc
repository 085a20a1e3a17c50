#include "canary.h"
#include "commands.h"
#include "docker_config.h"
#include "docker_runtime.h"

namespace dfg {

ExitStatus run_check(CommandContext& context) {
  const auto docker = read_docker_facts(context.root);
  if (!docker.warning.empty()) context.err << "warning: " << docker.warning << "\n";
  // Docker's version matters only when daemon.json leaves ip6tables to its default.
  std::optional<int> major;
  if (!docker.facts.ip6tables) major = dockerd_major(context.runner);
  const auto result = check_docker_rules(context.runner, managed_families(docker.facts, major));

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
