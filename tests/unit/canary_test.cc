#include "canary.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "fake_runner.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

TEST(Canary, PresentWhenEveryRuleIsThere) {
  FakeRunner runner;  // every program exits 0 unless told otherwise
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Present);
  ASSERT_EQ(result.families.size(), 2u);
  EXPECT_EQ(result.families[0].state, RulesState::Present);
  EXPECT_EQ(result.families[1].state, RulesState::NotManaged);
  EXPECT_THAT(runner.calls,
              ElementsAre(ElementsAre("iptables", "-w", "5", "-t", "filter", "-C", "FORWARD", "-j",
                                      "DOCKER-USER"),
                          ElementsAre("iptables", "-w", "5", "-t", "nat", "-C", "PREROUTING", "-m",
                                      "addrtype", "--dst-type", "LOCAL", "-j", "DOCKER")));
}

TEST(Canary, IPv6IsCheckedWithIp6tablesWhenDockerManagesIt) {
  FakeRunner runner;
  runner.results["ip6tables nat"] = exited(1, "", "iptables: Bad rule");
  const auto result = check_docker_rules(runner, {true, true});
  EXPECT_EQ(result.families[0].state, RulesState::Present);
  EXPECT_EQ(result.families[1].state, RulesState::Flushed);
  EXPECT_EQ(result.overall(), RulesState::Flushed);
  EXPECT_THAT(result.families[1].detail, HasSubstr("nat PREROUTING -j DOCKER: missing"));
}

TEST(Canary, AFamilyThisHostCannotFilterIsNotManagedAndBlocksNothing) {
  // Docker 27+ manages IPv6 by default; on a kernel without IPv6, ip6tables cannot start.
  FakeRunner runner;
  for (const char* table : {"ip6tables filter", "ip6tables nat"})
    runner.results[table] = exited(
        3, "",
        "ip6tables v1.8.9 (legacy): can't initialize ip6tables table `filter': Address family "
        "not supported by protocol\n");
  const auto result = check_docker_rules(runner, {true, true});
  EXPECT_EQ(result.families[1].state, RulesState::NotManaged);
  EXPECT_THAT(result.families[1].detail, HasSubstr("ip6tables cannot be used here: exited with 3"));
  EXPECT_EQ(result.overall(), RulesState::Present) << "IPv4's verdict stands";
}

TEST(Canary, AMissingRuleMeansFlushed) {
  FakeRunner runner;
  runner.results["iptables filter"] =
      exited(1, "", "iptables: Bad rule (does a matching rule exist?)");
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Flushed);
  EXPECT_EQ(result.families[0].detail, "filter FORWARD -j DOCKER-USER: missing");
  EXPECT_EQ(runner.calls.size(), 3u) << "FORWARD's three jumps, then the first probe decides";
}

TEST(Canary, AnyOfDockersForwardJumpsWill) {
  // Docker 26 restarted with live-restore: no DOCKER-USER, but its isolation jump.
  FakeRunner runner;
  runner.results["iptables filter DOCKER-USER"] =
      exited(2, "", "Chain 'DOCKER-USER' does not exist");
  runner.results["iptables filter DOCKER-FORWARD"] =
      exited(2, "", "Chain 'DOCKER-FORWARD' does not exist");
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Present);
  EXPECT_THAT(runner.calls[2], ElementsAre("iptables", "-w", "5", "-t", "filter", "-C", "FORWARD",
                                           "-j", "DOCKER-ISOLATION-STAGE-1"));
  EXPECT_EQ(runner.calls.size(), 4u);
}

TEST(Canary, AJumpToAChainThatIsGoneMeansFlushed) {
  FakeRunner runner;
  for (const std::string chain : {"DOCKER-USER", "DOCKER-FORWARD", "DOCKER-ISOLATION-STAGE-1"}) {
    runner.results["iptables filter " + chain] =
        exited(2, "", "iptables v1.8.9 (nf_tables): Chain '" + chain + "' does not exist\n");
  }
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Flushed);
  EXPECT_EQ(result.families[0].detail,
            "filter FORWARD -j DOCKER-USER: missing (chain DOCKER-USER is gone)");
}

TEST(Canary, OtherParameterProblemsAreUnknown) {
  FakeRunner runner;
  runner.results["iptables filter"] = exited(2, "", "iptables v1.8.9: unknown option \"-w\"\n");
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Unknown);
  EXPECT_THAT(result.families[0].detail, HasSubstr("exited with 2: iptables v1.8.9: unknown"));
}

TEST(Canary, AHeldLockIsUnknown) {
  FakeRunner runner;
  runner.results["iptables filter"] = exited(
      4, "", "Another app is currently holding the xtables lock. Stopped waiting after 5s.\n");
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Unknown);
  EXPECT_THAT(result.families[0].detail, HasSubstr("holding the xtables lock"));
}

TEST(Canary, AMissingBinaryOrAKilledProbeIsUnknown) {
  FakeRunner runner;
  ProcessResult not_found;
  not_found.error = "iptables: not found in /usr/sbin, /usr/bin, /sbin or /bin";
  runner.results["iptables filter"] = not_found;
  EXPECT_EQ(check_docker_rules(runner, {true, false}).overall(), RulesState::Unknown);

  ProcessResult killed;
  killed.started = true;
  killed.timed_out = true;
  killed.error = "iptables: killed after 10000 ms";
  runner.results["iptables filter"] = killed;
  const auto result = check_docker_rules(runner, {true, false});
  EXPECT_EQ(result.overall(), RulesState::Unknown);
  EXPECT_THAT(result.families[0].detail, HasSubstr("killed after"));
}

TEST(Canary, FlushedWinsOverUnknownAndNothingManagedIsSaid) {
  CanaryResult mixed{
      {{Family::IPv4, RulesState::Unknown, ""}, {Family::IPv6, RulesState::Flushed, ""}}};
  EXPECT_EQ(mixed.overall(), RulesState::Flushed);
  FakeRunner runner;
  const auto none = check_docker_rules(runner, {false, false});
  EXPECT_EQ(none.overall(), RulesState::NotManaged);
  EXPECT_TRUE(runner.calls.empty());
}

}  // namespace
}  // namespace dfg
