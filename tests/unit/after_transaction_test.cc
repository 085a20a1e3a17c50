#include "after_transaction.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(AfterTransaction, ParsesNameAndAction) {
  auto c = parse_package_change("iptables-services:upgrade");
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(c.value().name, "iptables-services");
  EXPECT_EQ(c.value().action, PackageAction::Upgrade);
  EXPECT_EQ(parse_package_change("libstdc++:remove").value().action, PackageAction::Remove);
  EXPECT_EQ(parse_package_change("nftables:out").value().action, PackageAction::Out);
  EXPECT_EQ(parse_package_change("a.b_c+d-1:reinstall").value().name, "a.b_c+d-1");
}

TEST(AfterTransaction, MalformedValuesAreNamed) {
  EXPECT_EQ(parse_package_change("nftables").error(), "--changed 'nftables': expected NAME:ACTION");
  EXPECT_EQ(parse_package_change("nftables:erase").error(),
            "--changed 'nftables:erase': ACTION must be one of install, upgrade, downgrade, "
            "reinstall, remove, out");
  EXPECT_EQ(parse_package_change(":upgrade").error(),
            "--changed ':upgrade': '' is not a package name");
  EXPECT_EQ(parse_package_change("-rf:upgrade").error(),
            "--changed '-rf:upgrade': '-rf' is not a package name");
  EXPECT_EQ(parse_package_change("a;b:upgrade").error(),
            "--changed 'a;b:upgrade': 'a;b' is not a package name");
  EXPECT_FALSE(parse_package_change("nftables:").ok());
}

TEST(AfterTransaction, OnlyWatchedPackagesThatCouldRestartAFirewallCount) {
  Config config;  // packages: EL's and Debian's (core/config.h)
  const std::vector<PackageChange> changes = {{"kernel", PackageAction::Upgrade},
                                              {"nftables", PackageAction::Install},
                                              {"iptables-services", PackageAction::Upgrade},
                                              {"nftables", PackageAction::Remove},
                                              {"iptables-nft-services", PackageAction::Downgrade},
                                              {"nftables", PackageAction::Reinstall}};
  const auto relevant = relevant_changes(changes, config);
  ASSERT_EQ(relevant.size(), 4u);
  EXPECT_EQ(relevant[0].name, "iptables-services");
  EXPECT_EQ(relevant[1].action, PackageAction::Remove);

  config.hook_enabled = false;
  EXPECT_THAT(relevant_changes(changes, config), IsEmpty());
}

TEST(AfterTransaction, DebiansFirewallPackagesAreWatchedByDefault) {
  // What the .deb's dpkg trigger passes (debian/docker-firewall-guard.postinst).
  const std::vector<PackageChange> changes = {{"netfilter-persistent", PackageAction::Out},
                                              {"ferm", PackageAction::Out},
                                              {"iptables-persistent", PackageAction::Upgrade},
                                              {"nftables", PackageAction::Out},
                                              {"ufw", PackageAction::Out}};
  EXPECT_EQ(relevant_changes(changes, Config{}).size(), 4u);
}

TEST(AfterTransaction, OnlyUnitFilesOfBoundFirewallsCount) {
  Config config;  // firewalls: EL's and Debian's (core/config.h)
  const std::vector<std::string> paths = {"/usr/lib/systemd/system/sshd.service",
                                          "/usr/lib/systemd/system/iptables.service",
                                          "/usr/lib/systemd/system/iptables.service.d/x.conf",
                                          "/usr/lib/systemd/system/ebtables.service",
                                          "nftables.service",
                                          ""};
  EXPECT_THAT(firewall_unit_files(paths, config),
              ElementsAre("/usr/lib/systemd/system/iptables.service", "nftables.service"));

  config.firewalls = {"ebtables.service"};
  EXPECT_THAT(firewall_unit_files(paths, config),
              ElementsAre("/usr/lib/systemd/system/ebtables.service"));
  config.hook_enabled = false;
  EXPECT_THAT(firewall_unit_files(paths, config), IsEmpty());
}

}  // namespace
}  // namespace dfg
