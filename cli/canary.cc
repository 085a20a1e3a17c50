#include "canary.h"

#include <algorithm>
#include <chrono>

namespace dfg {
namespace {

/// iptables' exit codes (iptables(8)): 0 the rule exists, 1 it does not, 2 a bad
/// parameter, which includes a jump to a chain that does not exist, 4 a resource problem
/// such as the xtables lock still held when -w gave up.
constexpr int rule_found = 0, rule_missing = 1, bad_parameter = 2;

struct Probe {
  const char* table;
  std::vector<std::string> rule;  // chain, then the rule's match and target
  const char* jump_chain;         // Docker's chain the rule jumps to
};

const Probe probes[] = {
    {"filter", {"FORWARD", "-j", "DOCKER-USER"}, "DOCKER-USER"},
    {"nat", {"PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER"}, "DOCKER"},
};

// -w 5: wait up to five seconds for the xtables lock; the runner's deadline is later, so a
// held lock shows as iptables' own exit code and message.
constexpr auto probe_timeout = std::chrono::seconds(10);

/// One family: Present when every probe finds its rule, Flushed when one is missing (or
/// jumps to a chain that is gone), Unknown when a probe cannot tell.
FamilyRules check_family(ProcessRunner& runner, const char* family, const char* binary) {
  FamilyRules result{family, RulesState::Present, {}};
  for (const auto& probe : probes) {
    std::vector<std::string> argv = {binary, "-w", "5", "-t", probe.table, "-C"};
    argv.insert(argv.end(), probe.rule.begin(), probe.rule.end());
    const auto run = runner.run(argv, probe_timeout);
    const std::string what =
        std::string(probe.table) + " " + probe.rule.front() + " -j " + probe.jump_chain;
    if (!run.started || run.timed_out || run.exit_code < 0) {
      return {family, RulesState::Unknown, what + ": " + run.error};
    }
    if (run.exit_code == rule_found) continue;
    // A jump to a missing chain is a parameter problem to iptables; a flush that deleted
    // Docker's chains shows that way. Any other parameter problem means we cannot tell.
    const bool chain_gone =
        run.exit_code == bad_parameter && run.err.find(probe.jump_chain) != std::string::npos;
    if (run.exit_code == rule_missing || chain_gone) {
      return {family, RulesState::Flushed,
              what + ": missing" +
                  (chain_gone ? " (chain " + std::string(probe.jump_chain) + " is gone)" : "")};
    }
    return {family, RulesState::Unknown, what + ": " + binary + " " + failure_reason(run)};
  }
  return result;
}

}  // namespace

std::string_view to_string(RulesState state) {
  switch (state) {
    case RulesState::Present: return "present";
    case RulesState::Flushed: return "flushed";
    case RulesState::Unknown: return "unknown";
    case RulesState::NotManaged: return "not-managed";
  }
  return "unknown";
}

RulesState CanaryResult::overall() const {
  auto any = [&](RulesState s) {
    return std::any_of(families.begin(), families.end(),
                       [s](const FamilyRules& f) { return f.state == s; });
  };
  if (any(RulesState::Flushed)) return RulesState::Flushed;
  if (any(RulesState::Unknown)) return RulesState::Unknown;
  if (any(RulesState::Present)) return RulesState::Present;
  return RulesState::NotManaged;
}

std::string describe(const CanaryResult& result) {
  std::string out;
  for (const auto& family : result.families) {
    if (!out.empty()) out += "; ";
    out += family.family + " " + std::string(to_string(family.state));
    if (family.state != RulesState::Present && !family.detail.empty()) out += ": " + family.detail;
  }
  return out;
}

CanaryResult check_docker_rules(ProcessRunner& runner, ManagedFamilies families) {
  CanaryResult result;
  if (families.ipv4) {
    result.families.push_back(check_family(runner, "IPv4", "iptables"));
  } else {
    result.families.push_back({"IPv4", RulesState::NotManaged, "Docker's iptables is off"});
  }
  if (families.ipv6) {
    result.families.push_back(check_family(runner, "IPv6", "ip6tables"));
  } else {
    result.families.push_back({"IPv6", RulesState::NotManaged, "Docker's ip6tables is off"});
  }
  return result;
}

}  // namespace dfg
