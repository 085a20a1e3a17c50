#include "docker_config.h"

#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

TEST(DockerFacts, AbsentFileMeansDockerDefaults) {
  test::TempRoot root;
  const auto result = read_docker_facts(root.path());
  EXPECT_EQ(result.warning, "");
  EXPECT_TRUE(result.facts.iptables);
  EXPECT_FALSE(result.facts.ip6tables.has_value());
  EXPECT_FALSE(result.facts.live_restore);
}

TEST(DockerFacts, ReadsTheThreeKeys) {
  test::TempRoot root;
  root.write("/etc/docker/daemon.json",
             R"({"storage-driver": "vfs", "iptables": false, "ip6tables": true,
                 "live-restore": true, "log-opts": {"max-size": "10m"}})");
  const auto result = read_docker_facts(root.path());
  EXPECT_EQ(result.warning, "");
  EXPECT_FALSE(result.facts.iptables);
  EXPECT_EQ(result.facts.ip6tables, true);
  EXPECT_TRUE(result.facts.live_restore);
}

TEST(DockerFacts, MalformedFileWarnsAndUsesDefaults) {
  for (const char* text : {"{\"iptables\": false,}", "", "[]", "null", "{\"iptables\": fals"}) {
    const auto result = parse_docker_facts(text, "/etc/docker/daemon.json");
    EXPECT_EQ(result.warning,
              "/etc/docker/daemon.json: not a JSON object; assuming Docker's defaults")
        << text;
    EXPECT_TRUE(result.facts.iptables) << text;
  }
}

TEST(DockerFacts, NonBooleanKeyWarnsAndKeepsThatDefault) {
  const auto result =
      parse_docker_facts(R"({"iptables": "false", "live-restore": true})", "daemon.json");
  EXPECT_EQ(result.warning,
            "daemon.json: \"iptables\" is not true or false; assuming Docker's default");
  EXPECT_TRUE(result.facts.iptables);
  EXPECT_TRUE(result.facts.live_restore);
}

TEST(DockerFacts, UnreadableFileWarns) {
  test::TempRoot root;
  root.mkdirs("/etc/docker/daemon.json");
  const auto result = read_docker_facts(root.path());
  EXPECT_EQ(result.warning,
            "/etc/docker/daemon.json: cannot read: not a regular file; assuming Docker's defaults");
  EXPECT_TRUE(result.facts.iptables);
}

}  // namespace
}  // namespace dfg
