#include <algorithm>

#include "canary.h"
#include "commands.h"
#include "docker_runtime.h"
#include "fs.h"
#include "host_checks.h"
#include "status.h"
#include "unit_files.h"

namespace dfg {
namespace {

/// Adds what systemd really loaded for each guarded service and firewall unit.
void ask_systemd(StatusReport& r, Systemd& systemd) {
  const auto& config = r.config.config;
  const std::string dropin_suffix = std::string(".d/") + dropin_file_name;
  for (const auto& name : config.services) {
    const auto unit = systemd.unit(name);
    if (!unit) {
      r.systemd_error = unit.error();
      return;
    }
    ServiceReport s;
    s.name = name;
    s.unit = unit.value();
    for (const auto& path : s.unit.drop_in_paths)
      if (ends_with(path, "/" + name + dropin_suffix)) s.dropin_loaded = true;
    const auto& deps = config.strategy == Strategy::PartOf      ? s.unit.part_of
                       : config.strategy == Strategy::Reconcile ? s.unit.after
                                                                : s.unit.requires_units;
    for (const auto& f : config.firewalls)
      if (std::find(deps.begin(), deps.end(), f) != deps.end()) s.bound.push_back(f);
    r.services.push_back(std::move(s));
  }
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

ExitStatus run_status(CommandContext& context, bool json) {
  StatusReport r;
  r.config = load_config(context.root);
  if (const auto why = why_not_act(context.root); !why.empty()) {
    r.systemd_error = why;
  } else if (auto systemd = context.connect_systemd(); !systemd) {
    r.systemd_error = systemd.error();
  } else {
    ask_systemd(r, *systemd.value());
  }
  const auto& service = r.config.config.services.front();
  std::uint32_t main_pid = 0;
  for (const auto& s : r.services)
    if (s.name == service) main_pid = s.unit.main_pid;
  r.docker = docker_settings(context.root, service, main_pid);
  r.plan = plan_guard(r.config, r.docker.facts, UnitFiles(context.root));
  for (auto& s : r.services) {
    for (const auto& d : r.plan.dropins)
      if (d.unit == s.name) s.dropin_expected = true;
  }
  r.rules = check_docker_rules(context.runner,
                               families_to_check(context.runner, context.root, r.docker.facts));
  judge(r);
  context.out << (json ? render_json(r) : render_text(r));
  return exit_status(r);
}

}  // namespace dfg
