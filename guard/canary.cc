#include "canary.h"

#include <algorithm>
#include <chrono>

#include "process_result.h"

namespace dfg {
namespace {

/// iptables' exit codes (iptables(8), xtables.h): 0 the rule exists, 1 it does not, 2 a bad
/// parameter, which includes a jump to a chain that does not exist, 3 the table cannot be
/// used at all ("can't initialize ip6tables table", a kernel without IPv6), 4 a resource
/// problem such as the xtables lock still held when -w gave up.
constexpr int rule_found = 0, rule_missing = 1, bad_parameter = 2, table_unusable = 3;

struct Probe {
  const char* table;
  std::vector<std::string> rule;         // chain, then the rule's match (the jump follows)
  std::vector<const char*> jump_chains;  // Docker's chains it may jump to: any one will do
};

const Probe probes[] = {
    // FORWARD's jump to DOCKER-USER is Docker's in every version, but a dockerd restarted with
    // live-restore while containers ran does not make it before moby/moby#48577 (Docker 25.0.x,
    // 27.4, 28; seen on 26.1) nor with "bridge": "none" (docker/for-linux#1152). Its other
    // FORWARD jump is there then: DOCKER-FORWARD (28 on), DOCKER-ISOLATION-STAGE-1 (before).
    {"filter", {"FORWARD"}, {"DOCKER-USER", "DOCKER-FORWARD", "DOCKER-ISOLATION-STAGE-1"}},
    {"nat", {"PREROUTING", "-m", "addrtype", "--dst-type", "LOCAL"}, {"DOCKER"}},
};

// -w 5: wait up to five seconds for the xtables lock; the runner's deadline is later, so a
// held lock shows as iptables' own exit code and message.
constexpr auto probe_timeout = std::chrono::seconds(10);

/// One family: Present when every probe finds one of its rules, Flushed when a probe finds
/// none (each missing, or jumping to a chain that is gone; the first one is named), Unknown
/// when a probe cannot tell.
FamilyRules check_family(ProcessRunner& runner, Family family) {
  const auto binary = iptables_program(family);
  FamilyRules result{family, RulesState::Present, {}};
  for (const auto& probe : probes) {
    std::string missing;  // what the first jump's absence looked like
    bool found = false;
    for (const char* jump_chain : probe.jump_chains) {
      std::vector<std::string> argv = {binary, "-w", "5", "-t", probe.table, "-C"};
      argv.insert(argv.end(), probe.rule.begin(), probe.rule.end());
      argv.insert(argv.end(), {"-j", jump_chain});
      const auto run = runner.run(argv, probe_timeout);
      const std::string what =
          std::string(probe.table) + " " + probe.rule.front() + " -j " + jump_chain;
      if (!run.started || run.timed_out || run.exit_code < 0) {
        return {family, RulesState::Unknown, what + ": " + run.error};
      }
      if (run.exit_code == rule_found) {
        found = true;
        break;
      }
      // Docker cannot have rules in a family this host cannot filter: not Docker's to lose,
      // and never a reason to doubt the other family.
      if (run.exit_code == table_unusable)
        return {family, RulesState::NotManaged,
                binary + " cannot be used here: " + failure_reason(run)};
      // A jump to a missing chain is a parameter problem to iptables; a flush that deleted
      // Docker's chains shows that way. Any other parameter problem means we cannot tell.
      const bool chain_gone =
          run.exit_code == bad_parameter && run.err.find(jump_chain) != std::string::npos;
      if (run.exit_code != rule_missing && !chain_gone)
        return {family, RulesState::Unknown, what + ": " + binary + " " + failure_reason(run)};
      if (missing.empty()) {
        missing = what + ": missing" +
                  (chain_gone ? " (chain " + std::string(jump_chain) + " is gone)" : "");
      }
    }
    if (!found) return {family, RulesState::Flushed, missing};
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
    out += family_name(family.family) + " " + std::string(to_string(family.state));
    if (!family.detail.empty())
      out += (family.state == RulesState::Present ? ", " : ": ") + family.detail;
  }
  return out;
}

CanaryResult check_docker_rules(ProcessRunner& runner, ManagedFamilies families,
                                std::string_view why_not_managed) {
  CanaryResult result;
  for (const auto family : all_families) {
    if (families.has(family)) {
      result.families.push_back(check_family(runner, family));
    } else {
      result.families.push_back({family, RulesState::NotManaged,
                                 why_not_managed.empty()
                                     ? "Docker's " + iptables_program(family) + " is off"
                                     : std::string(why_not_managed)});
    }
  }
  return result;
}

ManagedFamilies present_families(const CanaryResult& rules) {
  ManagedFamilies present{false, false};
  for (const auto& family : rules.families)
    if (family.state == RulesState::Present) present.add(family.family);
  return present;
}

}  // namespace dfg
