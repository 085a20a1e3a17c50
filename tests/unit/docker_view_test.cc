// Docker's own view, as its Engine API answers: recorded answers of Docker 20.10, 26.1 and
// 28.5 (tests/lab/record-docker-api.sh), and what may go wrong with an answer.
#include "docker_view.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "test_host.h"

namespace dfg {
namespace {

using ::testing::HasSubstr;

TEST(DockerView, ReadsContainersPortsAndNetworks) {
  const auto view = parse_docker_view(
      R"([{"Id": "c1", "Names": ["/web"], "State": "running",
           "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                     {"IP": "::", "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"},
                     {"PrivatePort": 443, "Type": "tcp"}],
           "NetworkSettings": {"Networks": {"bridge": {"NetworkID": "n1",
             "IPAddress": "172.17.0.2", "GlobalIPv6Address": ""}}}}])",
      R"([{"Name": "bridge", "Id": "n1", "Driver": "bridge", "Internal": false,
           "IPAM": {"Config": [{"Subnet": "172.17.0.0/16", "Gateway": "172.17.0.1"}]},
           "Options": {"com.docker.network.bridge.name": "docker0",
                       "com.docker.network.bridge.enable_ip_masquerade": "true"}},
          {"Name": "labnet", "Id": "0123456789abcdef", "Driver": "bridge", "Internal": true,
           "IPAM": {"Config": [{"Subnet": "10.77.0.0/24"}]}, "Options": {}},
          {"Name": "quiet", "Id": "q1", "Driver": "bridge", "IPAM": {"Config": []},
           "Options": {"com.docker.network.bridge.enable_ip_masquerade": "false"}},
          {"Name": "direct", "Id": "d1", "Driver": "bridge", "IPAM": {"Config": []},
           "Options": {"com.docker.network.bridge.gateway_mode_ipv4": "routed",
                       "com.docker.network.bridge.gateway_mode_ipv6": "nat-unprotected"}},
          {"Name": "host", "Id": "h1", "Driver": "host", "IPAM": {"Config": []}}])");
  ASSERT_TRUE(view.ok()) << view.error();
  const auto& v = view.value();
  ASSERT_EQ(v.containers.size(), 1u);
  EXPECT_EQ(v.containers[0].name, "web");
  ASSERT_EQ(v.containers[0].ports.size(), 2u) << "an exposed port that is not published is not";
  EXPECT_EQ(v.containers[0].ports[1].host_ip, "::");
  EXPECT_EQ(v.containers[0].ports[0].host_port, 8080);
  EXPECT_EQ(v.containers[0].ports[0].container_port, 80);
  ASSERT_EQ(v.containers[0].attachments.size(), 1u);
  EXPECT_EQ(v.containers[0].attachments[0].ipv4, "172.17.0.2");
  EXPECT_EQ(v.network("bridge")->bridge, "docker0");
  EXPECT_EQ(v.network("labnet")->bridge, "br-0123456789ab") << "libnetwork's name for it";
  EXPECT_TRUE(v.network("labnet")->internal);
  EXPECT_TRUE(v.network("labnet")->masquerade);
  EXPECT_FALSE(v.network("quiet")->masquerade);
  EXPECT_EQ(v.network("host")->bridge, "");
  // Docker 28's gateway modes, per family: routed neither maps ports nor masquerades.
  EXPECT_TRUE(v.network("bridge")->masquerades(Family::IPv4));
  EXPECT_TRUE(v.network("bridge")->masquerades(Family::IPv6));
  EXPECT_FALSE(v.network("labnet")->maps_ports(Family::IPv4)) << "internal";
  EXPECT_TRUE(v.network("quiet")->maps_ports(Family::IPv4));
  EXPECT_FALSE(v.network("quiet")->masquerades(Family::IPv4));
  EXPECT_FALSE(v.network("direct")->maps_ports(Family::IPv4));
  EXPECT_FALSE(v.network("direct")->masquerades(Family::IPv4));
  EXPECT_TRUE(v.network("direct")->masquerades(Family::IPv6));
  EXPECT_FALSE(v.network("host")->maps_ports(Family::IPv4));
  EXPECT_EQ(summary(v), "1 container, 2 published ports, 5 networks");
}

TEST(DockerView, AnAnswerNotAsDocumentedIsNamed) {
  EXPECT_EQ(parse_docker_view("{}", "[]").error(), "GET /containers/json: not a JSON array");
  EXPECT_EQ(parse_docker_view("[]", "<html>").error(), "GET /networks: not a JSON array");
  EXPECT_EQ(parse_docker_view(R"([{"Names": ["/x"]}])", "[]").error(),
            "GET /containers/json: a container without an Id");
  EXPECT_EQ(parse_docker_view("[]", R"([{"Id": "n"}])").error(),
            "GET /networks: a network without an Id or Name");
}

TEST(DockerView, AnAPIThatDoesNotAnswerIsCannotTell) {
  test::RecordedDockerEngine engine;
  engine.answers.erase("/networks");
  const auto view = ask_docker(engine, "/run/docker.sock", std::chrono::seconds(5));
  EXPECT_FALSE(view.ok()) << "no answer for /networks: not an empty Docker";
  EXPECT_THAT(view.error(), HasSubstr("GET /networks: HTTP status 404"));
  engine.answers.emplace("/networks", std::string("[]"));
  EXPECT_EQ(summary(ask_docker(engine, "/run/docker.sock", std::chrono::seconds(5)).value()),
            "0 containers, 0 published ports, 0 networks");
  EXPECT_EQ(engine.asked, (std::vector<std::string>{"/containers/json", "/networks",
                                                    "/containers/json", "/networks"}));
}

TEST(DockerView, AnInspectOfAnotherShapeIsAnErrorNotAThrow) {
  test::RecordedDockerEngine engine;
  const auto view = parse_view({"container c1 web"}).value();
  for (const char* answer : {R"({"HostConfig": ["no", "object"]})", R"({"HostConfig": {}})",
                             R"([1])", R"({"HostConfig": {"RestartPolicy": {"Name": 3}}})"}) {
    engine.answers.insert_or_assign("/containers/c1/json",
                                    Expected<std::string>(std::string(answer)));
    const auto stopped =
        stopped_by_restart(engine, "/run/docker.sock", view, std::chrono::milliseconds(100));
    EXPECT_FALSE(stopped) << answer;
  }
  engine.answers.insert_or_assign(
      "/containers/c1/json",
      Expected<std::string>(std::string(R"({"HostConfig": {"RestartPolicy": {"Name": "no"}}})")));
  EXPECT_EQ(
      stopped_by_restart(engine, "/run/docker.sock", view, std::chrono::milliseconds(100)).value(),
      std::vector<std::string>{"web"});
}

}  // namespace
}  // namespace dfg
