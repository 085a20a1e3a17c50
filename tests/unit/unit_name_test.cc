#include "unit_name.h"

#include <gtest/gtest.h>

namespace dfg {
namespace {

TEST(UnitName, AcceptsOrdinaryNames) {
  for (const char* name :
       {"docker.service", "iptables.service", "multi-user.target", "getty@tty1.service",
        "getty@.service", "a:b_c-d\\x2d.socket", "dbus-org.fedoraproject.FirewallD1.service"})
    EXPECT_EQ(unit_name_problem(name), "") << name;
}

TEST(UnitName, RefusesPathTraversal) {
  for (const char* name : {"../../etc/x.service", "../x.service", "a/b.service", "/x.service",
                           "..service", "x..service", "a@../b.service", "x.service/.."})
    EXPECT_FALSE(is_valid_unit_name(name)) << name;
}

TEST(UnitName, RefusesBadShapes) {
  EXPECT_EQ(unit_name_problem(""), "empty unit name");
  EXPECT_EQ(unit_name_problem("docker"), "unit name has no type suffix (like .service)");
  EXPECT_EQ(unit_name_problem("docker.conf"), "unknown unit type '.conf'");
  EXPECT_EQ(unit_name_problem(".service"), "unit name has nothing before its type suffix");
  EXPECT_EQ(unit_name_problem("@x.service"), "unit name starts with '@'");
  EXPECT_EQ(unit_name_problem("a@b@c.service"), "unit name has more than one '@'");
  EXPECT_EQ(unit_name_problem("dock er.service"), "unit name contains an invalid character");
  EXPECT_EQ(unit_name_problem("docker.service\n"), "unknown unit type '.service\n'");
  EXPECT_EQ(unit_name_problem("d$(reboot).service"), "unit name contains an invalid character");
}

TEST(UnitName, LengthLimitIsSystemds) {
  const std::string stem(255 - std::string(".service").size(), 'a');
  EXPECT_TRUE(is_valid_unit_name(stem + ".service"));
  EXPECT_FALSE(is_valid_unit_name("a" + stem + ".service"));
}

TEST(UnitName, Templates) {
  EXPECT_TRUE(is_unit_template("getty@.service"));
  EXPECT_FALSE(is_unit_template("getty@tty1.service"));
  EXPECT_FALSE(is_unit_template("docker.service"));
  EXPECT_EQ(unit_template_of("getty@tty1.service"), "getty@.service");
  EXPECT_EQ(unit_template_of("getty@.service"), "");
  EXPECT_EQ(unit_template_of("docker.service"), "");
}

}  // namespace
}  // namespace dfg
