#include "keep_rules.h"

#include <cstdlib>
#include <ctime>

#include "fs.h"

namespace dfg {
namespace {

constexpr auto save_timeout = std::chrono::seconds(10);
// -w 5 waits for the xtables lock (legacy iptables); the runner's deadline comes later.
constexpr auto restore_timeout = std::chrono::seconds(10);

struct Tools {
  const char* family;
  const char* save;
  const char* restore;
};
constexpr Tools ipv4{"IPv4", "iptables-save", "iptables-restore"};
constexpr Tools ipv6{"IPv6", "ip6tables-save", "ip6tables-restore"};

const Tools& tools_for(const std::string& family) { return family == "IPv6" ? ipv6 : ipv4; }

Expected<Ruleset> save(ProcessRunner& runner, const Tools& tools) {
  const auto run = runner.run({tools.save}, save_timeout);
  if (!run.started || run.timed_out || run.exit_code != 0) {
    return Expected<Ruleset>::failure(std::string(tools.save) + ": " + failure_reason(run));
  }
  auto parsed = parse_ruleset(run.out);
  if (!parsed)
    return Expected<Ruleset>::failure(std::string(tools.save) + " output, " + parsed.error());
  return parsed;
}

}  // namespace

const char* const snapshot_dir = "/run/docker-firewall-guard/snapshots";

std::string snapshot_path(std::string_view root, const std::string& firewall) {
  return join_root(root, std::string(snapshot_dir) + "/" + firewall);
}

ManagedFamilies families_flushed_by(const std::string& firewall, ManagedFamilies managed) {
  if (firewall == "iptables.service") managed.ipv6 = false;
  if (firewall == "ip6tables.service") managed.ipv4 = false;
  return managed;
}

Expected<std::uint64_t> process_start_time(std::string_view root, std::uint32_t pid) {
  const auto path = join_root(root, "/proc/" + std::to_string(pid) + "/stat");
  const auto stat = read_file(path);
  if (!stat) return Expected<std::uint64_t>::failure(path + ": " + stat.error());
  // "PID (COMM) STATE ..." where COMM may hold anything: count fields after the last ')'.
  const auto& text = stat.value();
  auto at = text.rfind(')');
  for (int field = 2; at != std::string::npos && field < 22; ++field) at = text.find(' ', at + 1);
  if (at == std::string::npos)
    return Expected<std::uint64_t>::failure(path + ": unexpected format");
  return std::strtoull(text.c_str() + at + 1, nullptr, 10);
}

std::uint64_t boot_clock_ms() {
  timespec now{};
  clock_gettime(CLOCK_BOOTTIME, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1000 +
         static_cast<std::uint64_t>(now.tv_nsec) / 1000000;
}

Expected<Snapshot> take_snapshot(ProcessRunner& runner, ManagedFamilies families, Snapshot stamp) {
  stamp.families.clear();
  for (const Tools* tools : {&ipv4, &ipv6}) {
    if (!(tools == &ipv4 ? families.ipv4 : families.ipv6)) continue;
    auto all = save(runner, *tools);
    if (!all) return Expected<Snapshot>::failure(all.error());
    stamp.families.emplace_back(tools->family, docker_part(all.value()));
  }
  return stamp;
}

Expected<std::size_t> restore_snapshot(ProcessRunner& runner, const Snapshot& snapshot) {
  std::size_t rules = 0;
  for (const auto& [family, saved] : snapshot.families) {
    const auto& tools = tools_for(family);
    const auto now = save(runner, tools);
    if (!now) return Expected<std::size_t>::failure(now.error());
    for (const auto& script : plan_restore(saved, now.value())) {
      const auto run =
          runner.run({tools.restore, "--wait=5", "--noflush"}, restore_timeout, script.text);
      if (!run.started || run.timed_out || run.exit_code != 0) {
        return Expected<std::size_t>::failure(std::string(tools.restore) + " of " + family + " " +
                                              script.table + ": " + failure_reason(run));
      }
      rules += script.rules;
    }
  }
  return rules;
}

}  // namespace dfg
