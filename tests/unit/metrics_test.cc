#include "metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_runner.h"
#include "fs.h"
#include "journal.h"
#include "temp_root.h"
#include "test_host.h"

namespace dfg {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

EventCost restored(const std::string& firewall, std::size_t rules, std::size_t cleared) {
  return {EventCost::Kind::Restore,
          firewall,
          RestoreEvent::Action::Restored,
          rules,
          cleared,
          0.31,
          0.042};
}

TEST(Metrics, EachEventAddsToTheCountersAndSetsTheGauges) {
  auto text = add_to_metrics("", restored("iptables.service", 38, 2));
  text = add_to_metrics(text, restored("iptables.service", 37, 1));
  text = add_to_metrics(text, {EventCost::Kind::Restore,
                               "iptables.service",
                               RestoreEvent::Action::FellBack,
                               0,
                               0,
                               {},
                               {},
                               RestartAction::Queued});
  text = add_to_metrics(text, {EventCost::Kind::DockerStart, {}, {}, 0, 3, {}, {}});
  EXPECT_EQ(
      text,
      "# HELP docker_firewall_guard_restores_total Restores and fallbacks of strategy "
      "reconcile, by firewall unit and action.\n"
      "# TYPE docker_firewall_guard_restores_total counter\n"
      "docker_firewall_guard_restores_total{firewall=\"iptables.service\",action=\"restart "
      "queued\"} 1\n"
      "docker_firewall_guard_restores_total{firewall=\"iptables.service\",action=\"restored\"} 2\n"
      "# HELP docker_firewall_guard_rules_restored_total Docker's rules put back by "
      "restores, by firewall unit.\n"
      "# TYPE docker_firewall_guard_rules_restored_total counter\n"
      "docker_firewall_guard_rules_restored_total{firewall=\"iptables.service\"} 75\n"
      "# HELP docker_firewall_guard_flows_cleared_total Connection-tracking entries of "
      "connections that left without Docker's NAT, deleted.\n"
      "# TYPE docker_firewall_guard_flows_cleared_total counter\n"
      "docker_firewall_guard_flows_cleared_total{by=\"docker start\"} 3\n"
      "docker_firewall_guard_flows_cleared_total{by=\"restore\"} 3\n"
      "# HELP docker_firewall_guard_last_restore_seconds How long the last restore of each "
      "firewall unit took, its settling included.\n"
      "# TYPE docker_firewall_guard_last_restore_seconds gauge\n"
      "docker_firewall_guard_last_restore_seconds{firewall=\"iptables.service\"} 0.31\n"
      "# HELP docker_firewall_guard_last_put_back_seconds From the start of the last restore "
      "of each firewall unit until the rules were back.\n"
      "# TYPE docker_firewall_guard_last_put_back_seconds gauge\n"
      "docker_firewall_guard_last_put_back_seconds{firewall=\"iptables.service\"} 0.042\n"
      "# HELP docker_firewall_guard_last_restore_ok 1 when the last restore of each firewall "
      "unit put the rules back without restarting Docker, 0 otherwise.\n"
      "# TYPE docker_firewall_guard_last_restore_ok gauge\n"
      "docker_firewall_guard_last_restore_ok{firewall=\"iptables.service\"} 0\n");
}

TEST(Metrics, OtherLinesOfTheOldFileAreDroppedAndGarbageCountsAsZero) {
  const auto text = add_to_metrics(
      "node_foo 1\n"
      "docker_firewall_guard_rules_restored_total{firewall=\"nftables.service\"} oops\n"
      "# a comment\n",
      restored("nftables.service", 5, 0));
  EXPECT_THAT(text, Not(HasSubstr("node_foo")));
  EXPECT_THAT(
      text,
      HasSubstr("docker_firewall_guard_rules_restored_total{firewall=\"nftables.service\"} 5\n"));
  EXPECT_THAT(text, HasSubstr("docker_firewall_guard_flows_cleared_total{by=\"restore\"} 0\n"));
}

TEST(Metrics, TheFileIsWrittenWholeAndAFailureNeverFailsTheEvent) {
  test::TempRoot root;
  root.mkdirs("/run/docker-firewall-guard");
  root.mkdirs("/var/lib/node_exporter");
  FakeRunner runner;
  test::TestHost test{root.path(), runner, []() -> Expected<std::unique_ptr<Systemd>> {
                        return fail("no systemd in this test");
                      }};
  const std::string path = "/var/lib/node_exporter/guard.prom";
  record_metrics(test.host, path, restored("iptables.service", 38, 0));
  record_metrics(test.host, path, restored("iptables.service", 38, 0));
  const auto text = read_file(root.path() + path);
  ASSERT_TRUE(text) << text.error();
  EXPECT_THAT(
      text.value(),
      HasSubstr("docker_firewall_guard_rules_restored_total{firewall=\"iptables.service\"} 76\n"));
  EXPECT_EQ(list_dir(root.path() + "/var/lib/node_exporter").size(), 1u)
      << "no temporary file left";

  record_metrics(test.host, "/nonexistent/dir/guard.prom", restored("iptables.service", 1, 0));
  EXPECT_THAT(test.err.str(), HasSubstr("metrics: /nonexistent/dir/guard.prom not written: "));
  record_metrics(test.host, "", restored("iptables.service", 1, 0));  // off: nothing
}

}  // namespace
}  // namespace dfg
