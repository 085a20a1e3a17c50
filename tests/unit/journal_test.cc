// What each journal entry of the command carries: MESSAGE_ID, priority and fields, as
// journalctl filters on them (docker-firewall-guard(8), JOURNAL).
#include "journal.h"
#include "restore_event.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fake_runner.h"
#include "fake_systemd.h"
#include "subcommands.h"
#include "temp_root.h"
#include "test_host.h"

namespace dfg {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

TEST(Journal, ARestartOutcomeCarriesItsUnitsActionAndRules) {
  const RestartOutcome restarted{"docker.service", RestartAction::Restarted, RulesState::Flushed,
                                 RulesState::Present, "Docker's rules were gone; restarted"};
  const auto e = restart_entry(restarted, "iptables.service nftables.service");
  EXPECT_EQ(e.message, "docker.service: restarted: Docker's rules were gone; restarted");
  EXPECT_EQ(e.message_id, "0e7cfa4f28194de8b0315b5cdf4c8259");
  EXPECT_EQ(e.priority, 5) << "notice";
  EXPECT_EQ(e.fields, (Fields{{"GUARDED_UNIT", "docker.service"},
                              {"FIREWALL_UNITS", "iptables.service nftables.service"},
                              {"ACTION", "restarted"},
                              {"RULES_BEFORE", "flushed"},
                              {"RULES_AFTER", "present"}}));
}

TEST(Journal, PriorityFollowsTheAction) {
  auto priority = [](RestartAction action) {
    return restart_entry({"docker.service", action, RulesState::Unknown, RulesState::Unknown, ""},
                         "")
        .priority;
  };
  EXPECT_EQ(priority(RestartAction::Nothing), 6);
  EXPECT_EQ(priority(RestartAction::Waited), 6);
  EXPECT_EQ(priority(RestartAction::WouldRestart), 5);
  EXPECT_EQ(priority(RestartAction::Queued), 5);
  EXPECT_EQ(priority(RestartAction::Failed), 4);
  EXPECT_EQ(priority(RestartAction::Unknown), 4);
}

TEST(Journal, ARestoreCarriesItsFirewallAndHowManyRules) {
  RestoreEvent event;
  event.service = "docker.service";
  event.firewall = "iptables.service";
  event.action = RestoreEvent::Action::Restored;
  event.put_back = 38;
  event.unexplained = {"IPv4 nat -A DOCKER-INGRESS ... (names 172.18.0.2)"};
  const auto e = journal_entry(event);
  EXPECT_EQ(e.message,
            "restore: put back 38 of Docker's rules after iptables.service; kept as "
            "saved, naming what dockerd lists nowhere: IPv4 nat -A DOCKER-INGRESS ... "
            "(names 172.18.0.2)");
  EXPECT_EQ(e.message_id, "5a1d3e0b9c8f4c27a6e2d4b7f0c91e38");
  EXPECT_EQ(e.priority, 6);
  EXPECT_EQ(e.field("GUARDED_UNIT"), "docker.service");
  EXPECT_EQ(e.field("FIREWALL_UNIT"), "iptables.service");
  EXPECT_EQ(e.field("ACTION"), "restored");
  EXPECT_EQ(e.field("RULES"), "38");
  EXPECT_EQ(e.field("RULES_DROPPED"), "0");
  EXPECT_EQ(e.field("RULES_UNEXPLAINED"), "1");
  event.action = RestoreEvent::Action::FellBack;
  event.why_not = "no snapshot";
  event.fallback = {"docker.service", RestartAction::Queued, RulesState::Flushed,
                    RulesState::Unknown, "restart queued"};
  EXPECT_EQ(journal_entry(event).priority, 5) << "a fallback that restarted Docker is a notice";
  EXPECT_EQ(journal_entry(event).field("ACTION"), "restart queued");
}

TEST(Journal, RestartDockerSendsOneEntryPerRun) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  FakeRunner runner;
  FakeSystemd systemd;
  test::flush_until_docker_restarts(runner, systemd);
  test::TestHost host(root.path(), runner, [&systemd]() -> Expected<std::unique_ptr<Systemd>> {
    return std::unique_ptr<Systemd>(new ForwardingSystemd(systemd));
  });
  {
    HostView view(host.host);
    EXPECT_EQ(run_restart(view, false), ExitStatus::Ok);
  }
  {
    HostView view(host.host);
    EXPECT_EQ(run_restart(view, false), ExitStatus::Ok);  // nothing to do: also journaled
  }
  ASSERT_EQ(host.journal.entries.size(), 2u);
  const auto& first = host.journal.entries[0];
  EXPECT_EQ(first.message_id, restart_message_id);
  EXPECT_EQ(first.field("ACTION"), "restarted");
  EXPECT_EQ(first.field("RULES_BEFORE"), "flushed");
  EXPECT_EQ(first.field("RULES_AFTER"), "present");
  EXPECT_EQ(first.field("FIREWALL_UNITS"),
            "iptables.service ip6tables.service nftables.service netfilter-persistent.service "
            "ferm.service ferm-early.service");
  EXPECT_EQ(host.journal.entries[1].field("ACTION"), "nothing to do");
  EXPECT_EQ(host.journal.entries[1].priority, 6);
}

}  // namespace
}  // namespace dfg
