#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "process_runner.h"

namespace dfg {

/// What the canary found for one address family, or overall.
enum class RulesState {
  Present,     ///< Docker's rules are in place
  Flushed,     ///< they are gone: something flushed the tables after Docker wrote them
  Unknown,     ///< could not tell: the xtables lock was held, a binary missing, an odd exit
  NotManaged,  ///< Docker does not manage this family's rules: nothing to check
};

std::string_view to_string(RulesState state);

/// One family's verdict and, unless Present, the reason in one line.
struct FamilyRules {
  std::string family;  ///< "IPv4" or "IPv6"
  RulesState state = RulesState::Unknown;
  std::string detail;
};

struct CanaryResult {
  std::vector<FamilyRules> families;

  /// Flushed when any family is flushed (that much is known); otherwise Unknown when any
  /// is unknown; Present when every managed family is present; NotManaged when none is.
  RulesState overall() const;
};

/// Each family's state, and the reason when it is not present: "IPv4 present; IPv6 flushed:
/// filter FORWARD -j DOCKER-USER: missing".
std::string describe(const CanaryResult& result);

/// Which families Docker manages its rules for (from DockerSettings, docker_settings.h, and
/// dockerd's version: families_to_check).
struct ManagedFamilies {
  bool ipv4 = true;
  bool ipv6 = false;
};

/// Checks that Docker's rules exist: in each managed family, the jumps from the built-in
/// chains into Docker's own, which every Docker from 20.10 to 28 writes the same way and
/// which every firewall restart removes:
///   filter  FORWARD     -j DOCKER-USER
///   nat     PREROUTING  -m addrtype --dst-type LOCAL -j DOCKER
/// Each is one `iptables -w 5 -t TABLE -C ...` (ip6tables for IPv6), run without a shell. A
/// family whose tables this host cannot use (a kernel without IPv6) is NotManaged.
/// A family Docker does not manage is NotManaged, with `why_not_managed` as its detail when
/// given (else "Docker's iptables is off").
CanaryResult check_docker_rules(ProcessRunner& runner, ManagedFamilies families,
                                std::string_view why_not_managed = {});

}  // namespace dfg
