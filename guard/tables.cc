#include "tables.h"

#include <chrono>

#include "process_result.h"

namespace dfg {
namespace {

constexpr auto save_timeout = std::chrono::seconds(10);

// --wait=5 waits for the xtables lock (legacy iptables); the runner's deadline comes later.
constexpr auto restore_timeout = std::chrono::seconds(10);

}  // namespace

Expected<Ruleset> save_tables(ProcessRunner& runner, Family family) {
  const auto save = iptables_program(family, "-save");
  const auto run = runner.run({save}, save_timeout);
  if (!run.started || run.timed_out || run.exit_code != 0)
    return fail(save + ": " + failure_reason(run));
  auto parsed = parse_ruleset(run.out);
  if (!parsed) return fail(save + " output, " + parsed.error());
  return parsed;
}

Expected<Ok> restore_tables(ProcessRunner& runner, Family family, const std::string& input,
                            const std::string& tables) {
  const auto restore = iptables_program(family, "-restore");
  const auto run = runner.run({restore, "--wait=5", "--noflush"}, restore_timeout, input);
  if (!run.started || run.timed_out || run.exit_code != 0)
    return fail(restore + " of " + family_name(family) + " " + tables + ": " + failure_reason(run));
  return Ok{};
}

}  // namespace dfg
