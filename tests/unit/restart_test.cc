#include "restart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_systemd.h"
#include "test_host.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

CanaryResult rules(RulesState ipv4, RulesState ipv6 = RulesState::NotManaged) {
  return {{{Family::IPv4, ipv4,
            ipv4 == RulesState::Flushed ? "filter FORWARD -j DOCKER-USER: missing" : ""},
           {Family::IPv6, ipv6, ""}}};
}

/// Docker's rules as the test world has them: what the canary reports, and how often it ran.
struct World {
  FakeSystemd systemd;
  CanaryResult current = rules(RulesState::Present);
  int canary_runs = 0;
  Config config;
  RestartOptions options;
  test::FakeClock clock;

  World() {
    systemd.add("docker.service");
    systemd.add("iptables.service");
    systemd.on_restart = [this] { current = rules(RulesState::Present); };
  }
  RestartOutcome run() {
    return restart_if_flushed(
        systemd, clock,
        [this] {
          ++canary_runs;
          return current;
        },
        config, options);
  }
};

TEST(RestartIfFlushed, NothingWhenTheRulesArePresent) {
  World w;
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Nothing);
  EXPECT_EQ(to_line(out), "docker.service: nothing to do: Docker's rules are present");
  EXPECT_THAT(w.systemd.calls, IsEmpty());
  EXPECT_EQ(exit_status(out), ExitStatus::Ok);
}

TEST(RestartIfFlushed, RestartsOnceWhenTheRulesAreGoneAndChecksAgain) {
  World w;
  w.current = rules(RulesState::Flushed);
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Restarted);
  EXPECT_EQ(out.rules_before, RulesState::Flushed);
  EXPECT_EQ(out.rules_after, RulesState::Present);
  // Rule 4: the start limit is cleared first.
  EXPECT_THAT(w.systemd.calls,
              ElementsAre("reset-failed docker.service", "try-restart docker.service"));
  EXPECT_EQ(w.canary_runs, 2);
  EXPECT_EQ(exit_status(out), ExitStatus::Ok);

  // A second reconcile finds the rules back and does nothing.
  w.systemd.calls.clear();
  EXPECT_EQ(w.run().action, RestartAction::Nothing);
  EXPECT_THAT(w.systemd.calls, IsEmpty());
}

TEST(RestartIfFlushed, NothingWhenTheServiceIsNotRunningOrNotInstalled) {
  World w;
  w.current = rules(RulesState::Flushed);
  for (const char* state : {"inactive", "failed", "activating", "deactivating"}) {
    w.systemd.add("docker.service", state);
    const auto out = w.run();
    EXPECT_EQ(out.action, RestartAction::Nothing) << state;
    EXPECT_THAT(out.reason, HasSubstr(std::string("not running (") + state)) << state;
  }
  w.systemd.add("docker.service", "active");
  w.systemd.units["docker.service"].load_state = "masked";
  EXPECT_EQ(w.run().reason, "masked; left alone");
  w.systemd.units.erase("docker.service");
  EXPECT_THAT(w.run().reason, HasSubstr("not installed (not-found)"));
  EXPECT_THAT(w.systemd.calls, IsEmpty());
  EXPECT_EQ(w.canary_runs, 0) << "no canary for a service that is not running";
}

TEST(RestartIfFlushed, NothingWhileTheSystemShutsDown) {
  World w;
  w.current = rules(RulesState::Flushed);
  w.systemd.state = "stopping";
  const auto out = w.run();
  EXPECT_EQ(out.reason, "the system is shutting down");
  EXPECT_THAT(w.systemd.calls, IsEmpty());
}

TEST(RestartIfFlushed, NothingWhenDockerManagesNoRules) {
  World w;
  w.current = rules(RulesState::NotManaged);
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Nothing);
  EXPECT_EQ(out.reason, "Docker manages no firewall rules");
  EXPECT_THAT(w.systemd.calls, IsEmpty());
}

TEST(RestartIfFlushed, AnUnknownCanaryRestartsNothing) {
  World w;
  w.current = rules(RulesState::Unknown);
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Unknown);
  EXPECT_THAT(out.reason, HasSubstr("not restarting"));
  EXPECT_THAT(w.systemd.calls, IsEmpty());
  EXPECT_EQ(exit_status(out), ExitStatus::Unknown);
}

TEST(RestartIfFlushed, WaitsForARestartSystemdAlreadyQueuedInsteadOfAddingOne) {
  // Requires= propagation (or a firewall package's scriptlet) queued a restart of Docker:
  // once it ran, Docker's rules are back, and reconcile adds no restart of its own.
  World w;
  w.current = rules(RulesState::Flushed);
  w.systemd.units["docker.service"].job_type = "restart";
  w.systemd.on_wait = [&w](const std::string& unit) {
    if (unit == "docker.service") w.current = rules(RulesState::Present);
  };
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Waited);
  EXPECT_THAT(out.reason, HasSubstr("after systemd's queued jobs: docker.service (restart)"));
  EXPECT_THAT(w.systemd.calls, ElementsAre("wait docker.service"));
}

TEST(RestartIfFlushed, WaitsForAFirewallStillRestartingBeforeJudging) {
  World w;
  w.systemd.units["iptables.service"].job_type = "restart";
  w.config.firewalls = {"iptables.service"};
  w.current = rules(RulesState::Flushed);
  const auto out = w.run();
  EXPECT_THAT(w.systemd.calls, ElementsAre("wait iptables.service", "reset-failed docker.service",
                                           "try-restart docker.service"));
  EXPECT_EQ(out.action, RestartAction::Restarted);
}

TEST(RestartIfFlushed, WithoutWaitingAJobOfAFirewallOrACompanionGoesFirst) {
  // An rpm trigger (no_block) right after a firewall's restart: strategy reconcile's
  // after-companion is still starting, so nothing is restarted.
  World w;
  w.config.strategy = Strategy::Reconcile;
  w.config.firewalls = {"iptables.service"};
  w.options.no_block = true;
  w.current = rules(RulesState::Flushed);
  w.systemd.add("docker-firewall-guard-after-iptables.service");
  w.systemd.units["docker-firewall-guard-after-iptables.service"].job_type = "start";
  auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Nothing);
  EXPECT_EQ(out.reason,
            "docker-firewall-guard-after-iptables.service has a start job; it acts first");
  EXPECT_THAT(w.systemd.calls, IsEmpty());

  w.systemd.units["docker-firewall-guard-after-iptables.service"].job_type.clear();
  out = w.run();
  EXPECT_EQ(out.action, RestartAction::Queued) << "once it is done, a restart is queued";

  // A restore's own fallback (settle_companion_units off) does not wait for its companion.
  w.options.settle_companion_units = false;
  w.systemd.units["docker-firewall-guard-after-iptables.service"].job_type = "start";
  w.current = rules(RulesState::Flushed);
  out = w.run();
  EXPECT_EQ(out.action, RestartAction::Queued);
}

TEST(RestartIfFlushed, DryRunChangesNothing) {
  World w;
  w.current = rules(RulesState::Flushed);
  w.options.dry_run = true;
  const auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::WouldRestart);
  EXPECT_THAT(out.reason, HasSubstr("would restart docker.service (dry run)"));
  EXPECT_THAT(w.systemd.calls, IsEmpty());
  EXPECT_EQ(exit_status(out), ExitStatus::Problem);
}

TEST(RestartIfFlushed, AFailedOrFruitlessRestartIsReported) {
  World w;
  w.current = rules(RulesState::Flushed);
  w.systemd.restart_error = "the restart of docker.service did not finish within 90 s";
  auto out = w.run();
  EXPECT_EQ(out.action, RestartAction::Failed);
  EXPECT_EQ(out.reason, "the restart of docker.service did not finish within 90 s");
  EXPECT_EQ(exit_status(out), ExitStatus::Problem);

  w.systemd.restart_error.clear();
  w.systemd.restart_result = "failed";
  w.systemd.on_restart = nullptr;
  out = w.run();
  EXPECT_EQ(out.reason, "the restart of docker.service ended with 'failed'");

  w.systemd.restart_result = "done";
  out = w.run();
  EXPECT_THAT(out.reason, HasSubstr("restarted, but Docker's rules are still not there"));
  EXPECT_EQ(out.rules_after, RulesState::Flushed);
}

TEST(RestartIfFlushed, ARestartedDockerGetsTimeToWriteItsRules) {
  // With live-restore, dockerd reports ready before its rules are back (Docker 20.10).
  World w;
  w.current = rules(RulesState::Flushed);
  w.systemd.on_restart = nullptr;
  w.options.rules_grace = std::chrono::seconds(5);
  int asked = 0;
  auto out = restart_if_flushed(
      w.systemd, w.clock,
      [&] { return ++asked < 4 ? rules(RulesState::Flushed) : rules(RulesState::Present); },
      w.config, w.options);
  EXPECT_EQ(out.action, RestartAction::Restarted);
  EXPECT_EQ(asked, 4) << "before, then after the restart until they showed";

  w.options.rules_grace = std::chrono::milliseconds(250);
  out = w.run();
  EXPECT_EQ(out.action, RestartAction::Failed) << "and not longer than the grace";
}

}  // namespace
}  // namespace dfg
