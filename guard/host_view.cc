#include "host_view.h"

#include "docker_runtime.h"
#include "view_rules.h"

namespace dfg {

HostView::HostView(Host& host, DockerdSource dockerd)
    : m_host(host), m_dockerd(dockerd), m_loaded(load_config(host.root)) {}

const std::string& HostView::refusal() {
  if (!m_refusal) m_refusal = m_host.why_not_act ? m_host.why_not_act() : std::string();
  return *m_refusal;
}

Expected<Systemd*> HostView::systemd() {
  if (!m_systemd && !m_systemd_error) {
    auto connected = m_host.connect_systemd();
    if (connected)
      m_systemd = std::move(connected).value();
    else
      m_systemd_error = connected.error();
  }
  if (m_systemd_error) return fail(*m_systemd_error);
  return m_systemd.get();
}

const Expected<UnitStatus>& HostView::docker_unit() {
  if (!m_docker_unit) {
    auto systemd = this->systemd();
    m_docker_unit =
        systemd ? systemd.value()->unit(service()) : Expected<UnitStatus>(fail(systemd));
  }
  return *m_docker_unit;
}

std::uint32_t HostView::dockerd_pid() {
  if (m_dockerd == DockerdSource::ServiceFiles || !refusal().empty()) return 0;
  const auto& unit = docker_unit();
  return unit ? unit.value().main_pid : 0;
}

const DockerSettingsResult& HostView::docker_settings() {
  if (!m_docker_settings)
    m_docker_settings =
        dfg::docker_settings(m_host.processes, m_host.root, service(), dockerd_pid());
  return *m_docker_settings;
}

const std::string& HostView::docker_socket() { return docker_settings().settings.api_socket; }

void HostView::warn_about_docker_settings() {
  if (const auto& warning = docker_settings().warning; !warning.empty())
    m_host.err << "warning: " << warning << "\n";
}

ManagedFamilies HostView::families() {
  if (!m_families)
    m_families = families_to_check(m_host.runner, m_host.root, docker_settings().settings);
  return *m_families;
}

const Expected<DockerView>& HostView::docker_view() {
  // dockerd answers these in milliseconds; a busy or hung one is "cannot tell".
  if (!m_docker_view)
    m_docker_view = ask_docker(m_host.docker, docker_socket(), docker_api_timeout);
  return *m_docker_view;
}

CanaryResult HostView::canary() {
  const auto& backend = docker_settings().settings.firewall_backend;
  auto jumps =
      check_docker_rules(m_host.runner, families(),
                         backend == "iptables" ? "" : "Docker's firewall backend is " + backend);
  if (jumps.overall() == RulesState::NotManaged) return jumps;
  // Asked afresh each time: after a restart, containers may hold other addresses.
  return judge_settled(
      jumps, [this] { return ask_docker(m_host.docker, docker_socket(), docker_api_timeout); },
      m_host.runner, m_host.clock, view_settle);
}

void HostView::arm_deadline(unsigned timeouts, const char* message) {
  if (m_host.arm_deadline)
    m_host.arm_deadline(timeouts * m_loaded.config.timeout_seconds + 30, message);
}

}  // namespace dfg
