#include "docker_runtime.h"

#include <gtest/gtest.h>

#include "canary.h"
#include "fake_runner.h"
#include "temp_root.h"

namespace dfg {
namespace {

TEST(DockerRuntime, ParsesTheMajorVersion) {
  EXPECT_EQ(parse_dockerd_major("Docker version 20.10.24+dfsg1, build 297e128\n"), 20);
  EXPECT_EQ(parse_dockerd_major("Docker version 28.5.2, build ecc6942"), 28);
  EXPECT_EQ(parse_dockerd_major("Docker version 26.1.5+dfsg1, build a72d7cd"), 26);
  EXPECT_FALSE(parse_dockerd_major(""));
  EXPECT_FALSE(parse_dockerd_major("Docker version dev"));
  EXPECT_FALSE(parse_dockerd_major("Docker version 28"));
  EXPECT_FALSE(parse_dockerd_major("Docker version 99999.1"));
}

TEST(DockerRuntime, AsksDockerdForItsVersionOnceForEachBinary) {
  test::TempRoot root;
  FakeRunner runner;
  runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 28.5.2, build ecc6942\n");
  EXPECT_FALSE(dockerd_major(runner, root.path())) << "no dockerd installed";
  EXPECT_TRUE(runner.calls.empty());

  root.write("/usr/bin/dockerd", "binary");
  root.mkdirs("/run");
  EXPECT_EQ(dockerd_major(runner, root.path()), 28);
  ASSERT_EQ(runner.calls.size(), 1u);
  EXPECT_EQ(runner.calls[0], (std::vector<std::string>{"/usr/bin/dockerd", "--version"}));
  EXPECT_EQ(dockerd_major(runner, root.path()), 28);
  EXPECT_EQ(runner.calls.size(), 1u) << "the second answer comes from the cache";

  // Another binary (an upgrade): asked again.
  root.write("/usr/bin/dockerd", "a newer, larger binary");
  runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 29.0.1, build 1\n");
  EXPECT_EQ(dockerd_major(runner, root.path()), 29);
  EXPECT_EQ(runner.calls.size(), 2u);

  runner.results["/usr/bin/dockerd"].started = false;
  root.write("/usr/bin/dockerd", "broken");
  EXPECT_FALSE(dockerd_major(runner, root.path()));
}

TEST(DockerRuntime, IPv6FollowsDaemonJsonElseDockersDefault) {
  DockerSettings settings;  // daemon.json says nothing
  EXPECT_FALSE(managed_families(settings, 20).ipv6);
  EXPECT_FALSE(managed_families(settings, 26).ipv6);
  EXPECT_TRUE(managed_families(settings, 27).ipv6);
  EXPECT_TRUE(managed_families(settings, 28).ipv6);
  EXPECT_FALSE(managed_families(settings, std::nullopt).ipv6) << "unknown version: no claim";
  settings.ip6tables = false;
  EXPECT_FALSE(managed_families(settings, 28).ipv6);
  settings.ip6tables = true;
  EXPECT_TRUE(managed_families(settings, 20).ipv6);
  EXPECT_TRUE(managed_families(settings, 20).ipv4);
}

TEST(DockerRuntime, Docker29sNftablesBackendManagesNoIptablesRules) {
  DockerSettings settings;
  settings.firewall_backend = "nftables";
  settings.ip6tables = true;
  const auto families = managed_families(settings, 29);
  EXPECT_FALSE(families.ipv4);
  EXPECT_FALSE(families.ipv6);
  FakeRunner runner;
  const auto canary = check_docker_rules(runner, families, "Docker's firewall backend is nftables");
  EXPECT_EQ(canary.overall(), RulesState::NotManaged);
  EXPECT_EQ(describe(canary),
            "IPv4 not-managed: Docker's firewall backend is nftables; IPv6 not-managed: Docker's "
            "firewall backend is nftables");
  EXPECT_TRUE(runner.calls.empty()) << "no iptables call for rules that are not there";
}

TEST(DockerRuntime, IptablesOffLeavesIPv6ToItsOwnSetting) {
  // Docker 28 with "iptables": false still writes its ip6tables rules (seen on forky).
  DockerSettings settings;
  settings.iptables = false;
  auto families = managed_families(settings, 28);
  EXPECT_FALSE(families.ipv4);
  EXPECT_TRUE(families.ipv6);
  settings.ip6tables = false;
  families = managed_families(settings, 28);
  EXPECT_FALSE(families.ipv4);
  EXPECT_FALSE(families.ipv6);
}

}  // namespace
}  // namespace dfg
