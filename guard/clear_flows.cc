#include "flows.h"
#include "journal.h"
#include "metrics.h"
#include "subcommands.h"

namespace dfg {

ExitStatus run_clear_flows(Host& host) {
  HostView view(host, DockerdSource::ServiceFiles);
  // It runs in docker.service's ExecStartPost=, which Docker's unit lets take forever
  // (TimeoutStartSec=0): one answer of dockerd's and two netlink dumps wait on no [hook]
  // timeout.
  view.arm_deadline(0);
  const auto& docker = view.docker_view();
  const auto cleared = docker ? clear_broken_flows(host.conntrack, docker.value(), view.families())
                              : Expected<std::size_t>(fail(docker));
  if (!cleared) {
    const auto line = "clear-flows: nothing cleared: " + cleared.error();
    host.journal.send(flows_entry(line, view.service(), true, 0));
    if (!host.journal.holds_stdout()) host.out << line << "\n";
    return ExitStatus::Unknown;
  }
  const auto line = "clear-flows: deleted " + std::to_string(cleared.value()) +
                    " connection-tracking entries of connections that left without Docker's NAT";
  // Said in the journal only when it did something: it runs at every start of Docker.
  if (cleared.value() > 0)
    report_event(host, view.config().metrics_file,
                 flows_entry(line, view.service(), false, cleared.value()),
                 {EventCost::Kind::DockerStart, {}, {}, 0, cleared.value(), {}, {}});
  if (cleared.value() == 0 || !host.journal.holds_stdout()) host.out << line << "\n";
  return ExitStatus::Ok;
}

}  // namespace dfg
