#include "system_host.h"

#include "deadline.h"
#include "host_checks.h"
#include "sd_bus_systemd.h"

namespace dfg {

SystemHost::SystemHost(std::string root, std::ostream& out, std::ostream& err)
    : m_processes(root), m_docker(root), m_host{root,    m_runner, m_processes, m_journal, m_clock,
                                                m_locks, m_docker, m_conntrack, out,       err,
                                                {},      {},       {},          {}} {
  m_host.connect_systemd = []() -> Expected<std::unique_ptr<Systemd>> {
    auto bus = SdBusSystemd::connect();
    if (!bus) return fail(bus);
    return std::unique_ptr<Systemd>(std::move(bus).value());
  };
  m_host.why_not_act = [root] { return why_not_act(root); };
  // Standard output is the process's own here: the deadline's message is written there.
  m_host.arm_deadline = exit_quietly_after;
  m_host.join_systemd_network = join_systemd_network_namespace;
}

}  // namespace dfg
