#include "unit_files.h"

#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

using State = UnitLookup::State;

class UnitFilesTest : public ::testing::Test {
 protected:
  test::TempRoot root;
  UnitFiles units{root.path()};
};

TEST_F(UnitFilesTest, FindsAlongTheSearchPathInSystemdsOrder) {
  EXPECT_EQ(units.find("iptables.service").state, State::Missing);
  root.write("/lib/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_EQ(units.find("iptables.service").path, "/lib/systemd/system/iptables.service");
  root.write("/usr/lib/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_EQ(units.find("iptables.service").path, "/usr/lib/systemd/system/iptables.service");
  root.write("/usr/local/lib/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_EQ(units.find("iptables.service").path, "/usr/local/lib/systemd/system/iptables.service");
  root.write("/run/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_EQ(units.find("iptables.service").path, "/run/systemd/system/iptables.service");
  root.write("/etc/systemd/system/iptables.service", "[Unit]\n");
  const auto found = units.find("iptables.service");
  EXPECT_EQ(found.state, State::Found);
  EXPECT_EQ(found.path, "/etc/systemd/system/iptables.service");
}

TEST_F(UnitFilesTest, MaskInEtcHidesFileInUsrLib) {
  root.write("/usr/lib/systemd/system/iptables.service", "[Unit]\n");
  root.link("/etc/systemd/system/iptables.service", "/dev/null");
  const auto found = units.find("iptables.service");
  EXPECT_EQ(found.state, State::Masked);
  EXPECT_EQ(found.path, "/etc/systemd/system/iptables.service");
}

TEST_F(UnitFilesTest, RuntimeMaskAndEmptyFileMask) {
  root.write("/usr/lib/systemd/system/iptables.service", "[Unit]\n");
  root.link("/run/systemd/system/iptables.service", "/dev/null");
  EXPECT_EQ(units.find("iptables.service").state, State::Masked);
  root.write("/usr/lib/systemd/system/nftables.service", "");
  EXPECT_EQ(units.find("nftables.service").state, State::Masked);
}

TEST_F(UnitFilesTest, FileInEtcWinsOverMaskFurtherDown) {
  // As in systemd, only the first entry on the search path counts.
  root.link("/usr/lib/systemd/system/iptables.service", "/dev/null");
  root.write("/etc/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_EQ(units.find("iptables.service").state, State::Found);
}

TEST_F(UnitFilesTest, LinksResolveUnderTheRoot) {
  root.write("/usr/lib/systemd/system/real.service", "[Unit]\n");
  root.link("/etc/systemd/system/alias.service", "/usr/lib/systemd/system/real.service");
  root.link("/etc/systemd/system/relative.service", "../../../usr/lib/systemd/system/real.service");
  root.link("/etc/systemd/system/dangling.service", "/usr/lib/systemd/system/gone.service");
  EXPECT_EQ(units.find("alias.service").state, State::Found);
  EXPECT_EQ(units.find("relative.service").state, State::Found);
  EXPECT_EQ(units.find("dangling.service").state, State::Missing);
}

TEST_F(UnitFilesTest, ALinkToAnotherNameIsAnAlias) {
  // Debian's iptables-persistent: Alias=iptables.service on netfilter-persistent.service.
  root.write("/lib/systemd/system/netfilter-persistent.service", "[Unit]\n");
  root.link("/etc/systemd/system/iptables.service",
            "/lib/systemd/system/netfilter-persistent.service");
  root.link("/etc/systemd/system/ip6tables.service",
            "../../../lib/systemd/system/iptables.service");
  root.link("/lib/systemd/system/iptables.service", "netfilter-persistent.service");
  auto found = units.find("iptables.service");
  EXPECT_EQ(found.state, State::Found);
  EXPECT_EQ(found.path, "/etc/systemd/system/iptables.service");
  EXPECT_EQ(found.alias_of, "netfilter-persistent.service");
  EXPECT_EQ(units.find("ip6tables.service").alias_of, "netfilter-persistent.service")
      << "a chain of links ends at the unit's own name";
  EXPECT_EQ(units.find("netfilter-persistent.service").alias_of, "");
}

TEST_F(UnitFilesTest, ALinkToTheSameNameIsNoAlias) {
  // `systemctl link`, or a vendor file linked into /etc under its own name.
  root.write("/opt/fw/fw.service", "[Unit]\n");
  root.link("/etc/systemd/system/fw.service", "/opt/fw/fw.service");
  root.write("/usr/lib/systemd/system/plain.service", "[Unit]\n");
  EXPECT_EQ(units.find("fw.service").state, State::Found);
  EXPECT_EQ(units.find("fw.service").alias_of, "");
  EXPECT_EQ(units.find("plain.service").alias_of, "");
}

TEST_F(UnitFilesTest, InstanceFallsBackToTemplate) {
  root.write("/usr/lib/systemd/system/fw@.service", "[Unit]\n");
  EXPECT_EQ(units.find("fw@main.service").path, "/usr/lib/systemd/system/fw@.service");
}

TEST_F(UnitFilesTest, InvalidNamesAreNeverLookedUp) {
  root.write("/etc/x.service", "[Unit]\n");
  EXPECT_EQ(units.find("../../x.service").state, State::Missing);
  EXPECT_FALSE(units.is_enabled("../../x.service"));
}

TEST_F(UnitFilesTest, EnabledMeansALinkInAWantsOrRequiresDirectoryInEtc) {
  root.write("/usr/lib/systemd/system/iptables.service", "[Unit]\n");
  EXPECT_FALSE(units.is_enabled("iptables.service"));
  // Links in /usr/lib are the vendor's static wiring, not `systemctl enable`.
  root.link("/usr/lib/systemd/system/multi-user.target.wants/iptables.service",
            "/usr/lib/systemd/system/iptables.service");
  EXPECT_FALSE(units.is_enabled("iptables.service"));
  root.link("/etc/systemd/system/basic.target.wants/iptables.service",
            "/usr/lib/systemd/system/iptables.service");
  EXPECT_TRUE(units.is_enabled("iptables.service"));

  root.link("/etc/systemd/system/multi-user.target.wants/nftables.service",
            "/usr/lib/systemd/system/nftables.service");
  EXPECT_TRUE(units.is_enabled("nftables.service"));
  root.link("/etc/systemd/system/network-pre.target.requires/ip6tables.service",
            "/usr/lib/systemd/system/ip6tables.service");
  EXPECT_TRUE(units.is_enabled("ip6tables.service"));
  root.mkdirs("/etc/systemd/system/multi-user.target.upholds");
  root.link("/etc/systemd/system/multi-user.target.upholds/other.service", "/x");
  EXPECT_FALSE(units.is_enabled("other.service"));
}

}  // namespace
}  // namespace dfg
