#include "generate.h"

#include "config.h"
#include "docker_settings.h"
#include "dockerd_flags.h"
#include "fs.h"
#include "plan.h"
#include "unit_files.h"

namespace dfg {

int generate(const std::string& normal_dir, const std::string& root, KmsgLog& log) {
  const auto loaded = load_config(root);
  // The kernel lets one /dev/kmsg writer log 10 records per 5 s; keep room for the rest.
  constexpr std::size_t max_problem_lines = 6;
  for (std::size_t i = 0; i < loaded.problems.size() && i < max_problem_lines; ++i)
    log.log(LogLevel::Warning, "{}", loaded.problems[i].to_string());
  if (loaded.problems.size() > max_problem_lines)
    log.log(LogLevel::Warning, "{} more problems in the configuration not shown",
            loaded.problems.size() - max_problem_lines);

  // Docker's settings as its service would start it: ExecStart= flags, then daemon.json.
  const UnitFiles units(root);
  const auto docker = read_docker_settings(root, units, loaded.config.service);
  if (!docker.warning.empty()) log.log(LogLevel::Warning, "{}", docker.warning);

  const auto plan = plan_guard(loaded, docker.settings, units);
  for (const auto& firewall : plan.firewalls) {
    log.log(LogLevel::Debug, "{}: {}{}", firewall.unit, firewall.to_bind ? "bound, " : "",
            firewall.reason);
  }
  for (const auto& note : plan.notes) log.log(LogLevel::Debug, "{}", note);

  int status = 0;
  for (const auto& dropin : plan.dropins) {
    // Unit names were validated while loading the config, so this stays in normal_dir.
    const auto dir = normal_dir + "/" + dropin.unit + ".d";
    auto written = make_directory(dir);
    if (written) written = write_file_atomic(dir, dropin_file_name, dropin.text);
    if (!written) {
      log.log(LogLevel::Err, "cannot write drop-in: {}", written.error());
      status = 1;
      continue;
    }
    log.log(LogLevel::Debug, "wrote {}/{}", dir, dropin_file_name);
  }
  for (const auto& unit : plan.units) {
    if (auto written = write_file_atomic(normal_dir, unit.name, unit.text); !written) {
      log.log(LogLevel::Err, "cannot write unit: {}", written.error());
      status = 1;
      continue;
    }
    log.log(LogLevel::Debug, "wrote {}/{}", normal_dir, unit.name);
  }
  return status;
}

}  // namespace dfg
