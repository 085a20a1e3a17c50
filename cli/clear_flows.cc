#include "subcommand.h"
#include "subcommands.h"

namespace dfg::cli {

Subcommand add_clear_flows(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "clear-flows", "Delete the tracking entries of connections that left without Docker's NAT");
  sub->footer(
      "Run by docker.service's drop-in after every start of Docker. A connection that began\n"
      "while the firewall had flushed Docker's NAT rules keeps leaving with the container's own\n"
      "address until its connection-tracking entry is deleted; its next packet then takes\n"
      "Docker's rules. Deletes only such entries, IPv4 and IPv6.");
  return {sub, [](SystemHost& system) { return run_clear_flows(system.host()); }};
}

}  // namespace dfg::cli
