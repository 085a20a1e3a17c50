#include "plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class PlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* unit : {"docker.service", "iptables.service", "ip6tables.service",
                             "nftables.service", "firewalld.service"})
      root.write(std::string("/usr/lib/systemd/system/") + unit, "[Unit]\n");
  }
  void enable(const std::string& unit) {
    root.link("/etc/systemd/system/multi-user.target.wants/" + unit,
              "/usr/lib/systemd/system/" + unit);
  }
  GuardPlan plan(const DockerSettings& docker = {}) {
    return plan_guard(loaded, docker, UnitFiles(root.path()));
  }

  test::TempRoot root;
  LoadedConfig loaded;
};

TEST_F(PlanTest, BindsOnlyEnabledUnmaskedInstalledFirewalls) {
  enable("iptables.service");
  enable("ip6tables.service");
  root.link("/etc/systemd/system/ip6tables.service", "/dev/null");
  const auto p = plan();
  ASSERT_EQ(p.firewalls.size(), 6u);
  EXPECT_TRUE(p.firewalls[0].to_bind);
  EXPECT_EQ(p.firewalls[0].reason, "enabled, /usr/lib/systemd/system/iptables.service");
  EXPECT_FALSE(p.firewalls[1].to_bind);
  EXPECT_EQ(p.firewalls[1].reason, "masked by /etc/systemd/system/ip6tables.service");
  EXPECT_FALSE(p.firewalls[2].to_bind);
  EXPECT_EQ(p.firewalls[2].reason, "installed but not enabled");
  ASSERT_EQ(p.dropins.size(), 2u);
  EXPECT_EQ(p.dropins[0].unit, "docker.service");
  EXPECT_THAT(p.dropins[0].text, HasSubstr("\nRequires=iptables.service\n"));
  // The bound firewall clears Docker's start limit after each of its starts.
  EXPECT_EQ(p.dropins[1].unit, "iptables.service");
  EXPECT_THAT(p.dropins[1].text,
              HasSubstr("\nExecStartPost=-/usr/bin/systemctl reset-failed docker.service\n"));
}

TEST_F(PlanTest, BindsDebiansUnitsByTheirNamesNeverByAnAlias) {
  // bookworm: units in /lib; iptables-persistent's Alias= links iptables.service and
  // ip6tables.service in /etc to netfilter-persistent.service when it is enabled.
  for (const char* unit : {"netfilter-persistent.service", "ferm.service"})
    root.write(std::string("/lib/systemd/system/") + unit, "[Unit]\n");
  root.link("/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
            "/lib/systemd/system/netfilter-persistent.service");
  root.link("/etc/systemd/system/sysinit.target.wants/ferm.service",
            "/lib/systemd/system/ferm.service");
  for (const char* alias : {"iptables.service", "ip6tables.service"})
    root.link(std::string("/etc/systemd/system/") + alias,
              "/lib/systemd/system/netfilter-persistent.service");
  // Enabled by name as well (a link left from before): still never bound under the alias.
  enable("iptables.service");
  const auto p = plan();
  ASSERT_EQ(p.firewalls.size(), 6u);
  EXPECT_EQ(p.firewalls[0].reason, "an alias of netfilter-persistent.service");
  EXPECT_EQ(p.firewalls[1].reason, "an alias of netfilter-persistent.service");
  EXPECT_FALSE(p.firewalls[0].to_bind || p.firewalls[1].to_bind);
  EXPECT_TRUE(p.firewalls[3].to_bind);
  EXPECT_EQ(p.firewalls[3].reason, "enabled, /lib/systemd/system/netfilter-persistent.service");
  EXPECT_TRUE(p.firewalls[4].to_bind);
  EXPECT_EQ(p.firewalls[5].reason, "not installed");
  ASSERT_EQ(p.dropins.size(), 3u);
  EXPECT_THAT(p.dropins[0].text,
              HasSubstr("\nRequires=netfilter-persistent.service ferm.service\n"));
  EXPECT_EQ(p.dropins[1].unit, "netfilter-persistent.service");
  EXPECT_EQ(p.dropins[2].unit, "ferm.service");
}

TEST_F(PlanTest, ReconcileGivesNoExecReloadToAFirewallWithoutOne) {
  // netfilter-persistent.service has no ExecReload=: one from the drop-in would make systemd
  // reload it, running only the restore, and `service netfilter-persistent reload` would go
  // there instead of loading rules.v4.
  root.write("/lib/systemd/system/netfilter-persistent.service",
             "[Service]\nExecStart=/usr/sbin/netfilter-persistent start\n");
  root.link("/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
            "/lib/systemd/system/netfilter-persistent.service");
  root.write("/usr/lib/systemd/system/nftables.service",
             "[Service]\nExecReload=/usr/sbin/nft -f /etc/nftables.conf\n");
  enable("nftables.service");
  // A drop-in that resets the list leaves none.
  root.write("/usr/lib/systemd/system/ip6tables.service", "[Service]\nExecReload=/x\n");
  root.write("/etc/systemd/system/ip6tables.service.d/no-reload.conf", "[Service]\nExecReload=\n");
  enable("ip6tables.service");
  loaded.config.strategy = Strategy::Reconcile;
  const auto p = plan();
  ASSERT_EQ(p.dropins.size(), 4u);
  EXPECT_EQ(p.dropins[1].unit, "ip6tables.service");
  EXPECT_THAT(p.dropins[1].text, Not(HasSubstr("\nExecReload=")));
  EXPECT_EQ(p.dropins[2].unit, "nftables.service");
  EXPECT_THAT(p.dropins[2].text,
              HasSubstr("\nExecReload=-/usr/sbin/docker-firewall-guard restore --firewall "
                        "nftables.service --in-job\n"));
  EXPECT_EQ(p.dropins[3].unit, "netfilter-persistent.service");
  EXPECT_THAT(p.dropins[3].text, Not(HasSubstr("\nExecReload=")));
  EXPECT_THAT(p.dropins[3].text, HasSubstr("\n# No ExecReload=: netfilter-persistent.service has "
                                           "none, and one would make it reloadable.\n"));
}

TEST_F(PlanTest, NeverBindsADisabledFirewall) {
  enable("firewalld.service");
  const auto p = plan();
  EXPECT_THAT(p.dropins, IsEmpty());
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("no configured firewall unit")));
}

TEST_F(PlanTest, NothingWhenDockerLeavesIptablesAlone) {
  enable("iptables.service");
  DockerSettings docker;
  docker.iptables = false;
  const auto p = plan(docker);
  EXPECT_THAT(p.dropins, IsEmpty());
  EXPECT_THAT(p.notes, ElementsAre(HasSubstr("iptables handling off")));
}

TEST_F(PlanTest, NothingForDocker29sNftablesBackend) {
  enable("iptables.service");
  DockerSettings docker;
  docker.firewall_backend = "nftables";
  docker.firewall_backend_origin = "/etc/docker/daemon.json";
  const auto p = plan(docker);
  EXPECT_THAT(p.dropins, IsEmpty()) << "never a restart per event for rules it cannot keep";
  EXPECT_THAT(p.notes, ElementsAre("/etc/docker/daemon.json sets Docker's firewall backend to "
                                   "nftables, which the guard does not support yet; writing "
                                   "nothing"));
}

TEST_F(PlanTest, NothingForStrategyNone) {
  enable("iptables.service");
  loaded.config.strategy = Strategy::None;
  EXPECT_THAT(plan().dropins, IsEmpty());
}

TEST_F(PlanTest, NothingWhenTheGuardedServiceIsNotInstalled) {
  enable("iptables.service");
  loaded.config.service = "podman.service";
  const auto p = plan();
  EXPECT_THAT(p.dropins, IsEmpty()) << "no drop-in for it, none for the firewall either";
  EXPECT_THAT(p.notes, ElementsAre("podman.service is not installed or masked; no drop-in for it"));
}

TEST(RenderDropIn, RequiresNamesConfigAndUnits) {
  const auto text = render_dropin(
      Strategy::Requires, {"iptables.service", "ip6tables.service"},
      {"/etc/docker-firewall-guard.conf", "/etc/docker-firewall-guard.conf.d/a.conf"});
  EXPECT_EQ(text.rfind("# Generated by docker-firewall-guard-generator;", 0), 0u);
  EXPECT_THAT(text, HasSubstr("here from:\n#   /etc/docker-firewall-guard.conf\n"
                              "#   /etc/docker-firewall-guard.conf.d/a.conf\n#"));
  EXPECT_THAT(text, HasSubstr("\n[Unit]\nRequires=iptables.service ip6tables.service\n"
                              "After=iptables.service ip6tables.service\n"));
  EXPECT_EQ(text.find("@"), std::string::npos) << "no placeholder may survive";
}

TEST(RenderDropIn, PartOfNeverRequires) {
  const auto text = render_dropin(Strategy::PartOf, {"nftables.service"}, {});
  EXPECT_THAT(text, HasSubstr("here from:\n#   the compiled-in defaults\n#"));
  EXPECT_THAT(text, HasSubstr("\n[Unit]\nPartOf=nftables.service\nAfter=nftables.service\n"));
  EXPECT_EQ(text.find("Requires="), std::string::npos);
}

}  // namespace
}  // namespace dfg
