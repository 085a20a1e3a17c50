#include "event_preconditions.h"

#include "unit_name.h"

namespace dfg {

ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed) {
  if (firewall == "iptables.service") managed.ipv6 = false;
  if (firewall == "ip6tables.service") managed.ipv4 = false;
  return managed;
}

Expected<ManagedFamilies> event_families(HostView& view, const std::string& firewall) {
  if (const auto& why = view.refusal(); !why.empty()) return fail(why);
  const auto systemd = view.systemd();
  if (!systemd) return fail(systemd);
  if (const auto state = systemd.value()->system_state(); state && state.value() == "stopping")
    return fail("the system is shutting down");
  const auto& docker = view.docker_unit();
  if (!docker) return fail(docker);
  if (docker.value().active_state != "active" || docker.value().main_pid == 0)
    return fail(view.service() + " is not running (" + docker.value().active_state + ")");
  view.warn_about_docker_settings();
  const auto families = families_flushed_by(firewall, view.families());
  if (families.none()) return fail("Docker manages no rules that " + firewall + " flushes");
  return families;
}

ExitStatus refuse_firewall_name(HostView& view, const std::string& firewall) {
  view.host().err << "docker-firewall-guard: --firewall " << firewall << ": "
                  << unit_name_problem(firewall) << "\n";
  return ExitStatus::Usage;
}

}  // namespace dfg
