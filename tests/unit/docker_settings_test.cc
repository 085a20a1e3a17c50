#include "docker_settings.h"

#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

TEST(DockerSettings, AbsentFileMeansDockerDefaults) {
  test::TempRoot root;
  const auto result = read_daemon_json(root.path());
  EXPECT_EQ(result.warning, "");
  EXPECT_TRUE(result.settings.iptables);
  EXPECT_FALSE(result.settings.ip6tables.has_value());
  EXPECT_FALSE(result.settings.live_restore);
}

TEST(DockerSettings, ReadsTheThreeKeys) {
  test::TempRoot root;
  root.write("/etc/docker/daemon.json",
             R"({"storage-driver": "vfs", "iptables": false, "ip6tables": true,
                 "live-restore": true, "log-opts": {"max-size": "10m"}})");
  const auto result = read_daemon_json(root.path());
  EXPECT_EQ(result.warning, "");
  EXPECT_FALSE(result.settings.iptables);
  EXPECT_EQ(result.settings.ip6tables, true);
  EXPECT_TRUE(result.settings.live_restore);
}

TEST(DockerSettings, ReadsDocker29sFirewallBackend) {
  auto result = parse_daemon_json(R"({"firewall-backend": "nftables"})", "/etc/docker/daemon.json");
  EXPECT_EQ(result.warning, "");
  EXPECT_EQ(result.settings.firewall_backend, "nftables");
  EXPECT_EQ(result.settings.firewall_backend_origin, "/etc/docker/daemon.json");
  EXPECT_EQ(parse_daemon_json("{}", "f").settings.firewall_backend, "iptables") << "the default";
  result = parse_daemon_json(R"({"firewall-backend": 1})", "f");
  EXPECT_EQ(result.warning, "f: \"firewall-backend\" is not a string; assuming Docker's default");
  EXPECT_EQ(result.settings.firewall_backend, "iptables");
}

TEST(DockerSettings, MalformedFileWarnsAndUsesDefaults) {
  for (const char* text : {"{\"iptables\": false,}", "", "[]", "null", "{\"iptables\": fals"}) {
    const auto result = parse_daemon_json(text, "/etc/docker/daemon.json");
    EXPECT_EQ(result.warning,
              "/etc/docker/daemon.json: not a JSON object; assuming Docker's defaults")
        << text;
    EXPECT_TRUE(result.settings.iptables) << text;
  }
}

TEST(DockerSettings, NonBooleanKeyWarnsAndKeepsThatDefault) {
  const auto result =
      parse_daemon_json(R"({"iptables": "false", "live-restore": true})", "daemon.json");
  EXPECT_EQ(result.warning,
            "daemon.json: \"iptables\" is not true or false; assuming Docker's default");
  EXPECT_TRUE(result.settings.iptables);
  EXPECT_TRUE(result.settings.live_restore);
}

TEST(DockerSettings, UnreadableFileWarns) {
  test::TempRoot root;
  root.mkdirs("/etc/docker/daemon.json");
  const auto result = read_daemon_json(root.path());
  EXPECT_EQ(result.warning,
            "/etc/docker/daemon.json: cannot read: not a regular file; assuming Docker's defaults");
  EXPECT_TRUE(result.settings.iptables);
}

}  // namespace
}  // namespace dfg
