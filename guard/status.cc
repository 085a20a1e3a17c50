#include <algorithm>

#include "canary.h"
#include "docker_runtime.h"
#include "fs.h"
#include "status_judgement.h"
#include "subcommands.h"
#include "unit_files.h"

namespace dfg {
namespace {

/// What systemd loaded for the guarded service: the guard's drop-in, and the firewalls the
/// strategy's dependency binds it to.
ServiceReport service_report(const Config& config, const UnitStatus& unit) {
  ServiceReport s;
  s.name = config.service;
  s.unit = unit;
  const std::string dropin_suffix = std::string(".d/") + dropin_file_name;
  for (const auto& path : s.unit.drop_in_paths)
    if (ends_with(path, "/" + s.name + dropin_suffix)) s.dropin_loaded = true;
  const auto& deps = config.strategy == Strategy::PartOf      ? s.unit.part_of
                     : config.strategy == Strategy::Reconcile ? s.unit.after
                                                              : s.unit.requires_units;
  for (const auto& f : config.firewalls)
    if (std::find(deps.begin(), deps.end(), f) != deps.end()) s.bound.push_back(f);
  return s;
}

/// Adds what systemd really loaded for the guarded service and the firewall units.
void ask_systemd(StatusReport& r, HostView& view, Systemd& systemd) {
  const auto& config = r.config.config;
  const auto& docker = view.docker_unit();
  if (!docker) {
    r.systemd_error = docker.error();
    return;
  }
  r.service = service_report(config, docker.value());
  for (const auto& name : config.firewalls) {
    const auto unit = systemd.unit(name);
    if (unit) r.firewalls[name] = unit.value();
    if (config.strategy != Strategy::Reconcile) continue;
    const auto companions = companions_of(name);
    for (const auto& companion : {companions.before, companions.after})
      if (const auto c = systemd.unit(companion); c) r.companions[companion] = c.value();
  }
}

}  // namespace

ExitStatus run_status(HostView& view, bool json) {
  auto& host = view.host();
  StatusReport r;
  r.config = view.loaded();
  if (const auto& why = view.refusal(); !why.empty()) {
    r.systemd_error = why;
  } else if (auto systemd = view.systemd(); !systemd) {
    r.systemd_error = systemd.error();
  } else {
    ask_systemd(r, view, *systemd.value());
  }
  r.docker = view.docker_settings();
  r.plan = plan_guard(r.config, r.docker.settings, UnitFiles(host.root));
  if (r.service) {
    for (const auto& d : r.plan.dropins)
      if (d.unit == r.service->name) r.service->dropin_expected = true;
  }
  r.rules = view.canary();
  if (service_active(r)) {
    if (const auto& docker = view.docker_view(); docker) {
      r.docker_api = summary(docker.value());
      r.containers = docker.value().containers.size();
      r.published_ports = docker.value().published_ports();
      r.networks = docker.value().networks.size();
    } else {
      r.docker_api_error = docker.error();
    }
  }
  judge(r);
  host.out << (json ? render_json(r) : render_text(r));
  return exit_status(r);
}

}  // namespace dfg
