#include "subcommands.h"

namespace dfg {

ExitStatus run_check(Host& host) {
  // Without asking systemd: what docker.service's files and daemon.json say.
  HostView view(host, DockerdSource::ServiceFiles);
  view.warn_about_docker_settings();
  const auto result = view.canary();
  const auto overall = result.overall();
  host.out << "Docker's rules: " << to_string(overall) << " (" << describe(result) << ")\n";
  switch (overall) {
    case RulesState::Present:
    case RulesState::NotManaged: return ExitStatus::Ok;
    case RulesState::Flushed: return ExitStatus::Problem;
    case RulesState::Unknown: return ExitStatus::Unknown;
  }
  return ExitStatus::Unknown;
}

}  // namespace dfg
