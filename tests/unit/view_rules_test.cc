// Docker's rules judged against what dockerd holds: the captured rule sets of Docker 20.10,
// 26.1 and 28.5 (tests/data/docker-rules) with the world they were captured in, and that
// world changed (a container gone, one new, one moved to another address, a network gone).
#include "view_rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "fake_runner.h"
#include "test_host.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

Ruleset capture(const std::string& name) {
  std::ifstream in(std::string(DFG_TEST_DATA_DIR) + "/docker-rules/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return docker_part(parse_ruleset(text.str()).value());
}

/// The world of the captures: web (172.17.0.2, 8080->80) on the default bridge; app
/// (10.77.0.2: 8090->80, 5353->53/udp, 127.0.0.1:8443->443) on a user-defined bridge; one
/// container on the internal network dfgint.
DockerView captured_world(const std::string& user_bridge_id) {
  DockerView v;
  v.networks = {{"b0", "bridge", "bridge", "docker0", {"172.17.0.0/16"}, false, true},
                {user_bridge_id,
                 "labnet",
                 "bridge",
                 "br-" + user_bridge_id.substr(0, 12),
                 {"10.77.0.0/24"},
                 false,
                 true},
                {"i0", "labinternal", "bridge", "dfgint", {"10.78.0.0/24"}, true, true},
                {"h0", "host", "host", "", {}, false, true}};
  v.containers = {{"c1", "web", {{"bridge", "172.17.0.2", ""}}, {{"tcp", "0.0.0.0", 8080, 80}}},
                  {"c2",
                   "app",
                   {{"labnet", "10.77.0.2", ""}},
                   {{"tcp", "0.0.0.0", 8090, 80},
                    {"udp", "0.0.0.0", 5353, 53},
                    {"tcp", "127.0.0.1", 8443, 443}}},
                  {"c3", "quiet", {{"labinternal", "10.78.0.2", ""}}, {}}};
  return v;
}

struct Case {
  const char* file;
  const char* user_bridge;
};

class Captured : public ::testing::TestWithParam<Case> {};

TEST_P(Captured, MatchTheWorldTheyWereCapturedIn) {
  const auto comparison = compare_to_view(capture(GetParam().file),
                                          captured_world(GetParam().user_bridge), Family::IPv4);
  EXPECT_THAT(comparison.missing, IsEmpty());
  EXPECT_THAT(comparison.stale, IsEmpty());
  EXPECT_TRUE(comparison.matches());
}

TEST_P(Captured, AContainerGoneLeavesItsRulesStale) {
  auto world = captured_world(GetParam().user_bridge);
  world.containers.erase(world.containers.begin());  // web is gone
  const auto comparison = compare_to_view(capture(GetParam().file), world, Family::IPv4);
  EXPECT_THAT(comparison.missing, IsEmpty());
  ASSERT_FALSE(comparison.stale.empty());
  for (const auto& line : comparison.stale)
    EXPECT_THAT(line, HasSubstr("(no running container has 172.17.0.2)"));
  EXPECT_TRUE(std::any_of(comparison.stale.begin(), comparison.stale.end(), [](auto& l) {
    return l.find(
               "nat -A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT "
               "--to-destination 172.17.0.2:80") == 0;
  })) << "its DNAT, which would lead 8080 to whoever gets 172.17.0.2 next";
}

TEST_P(Captured, AContainerNewSinceIsMissing) {
  auto world = captured_world(GetParam().user_bridge);
  world.containers.push_back(
      {"c4", "new", {{"bridge", "172.17.0.3", ""}}, {{"tcp", "0.0.0.0", 9000, 9000}}});
  const auto comparison = compare_to_view(capture(GetParam().file), world, Family::IPv4);
  EXPECT_THAT(comparison.missing, ElementsAre("nat DOCKER: tcp 9000 to new (172.17.0.3:9000)"));
}

TEST_P(Captured, FittingDropsWhatIsGoneAndSaysWhatIsLacking) {
  // web removed, and a newcomer started on its address, publishing nothing.
  auto world = captured_world(GetParam().user_bridge);
  world.containers[0] = {"c5", "newcomer", {{"bridge", "172.17.0.2", ""}}, {}};
  const auto fitted = fit_to_view(capture(GetParam().file), world, Family::IPv4);
  EXPECT_THAT(fitted.comparison.missing, IsEmpty());
  const auto text = to_text(fitted.rules);
  EXPECT_EQ(text.find("--dport 8080 -j DNAT"), std::string::npos)
      << "the gone container's DNAT is dropped: 8080 must not lead to the newcomer";
  EXPECT_EQ(text.find("-d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j "
                      "ACCEPT"),
            std::string::npos)
      << "and so is the ACCEPT of its port 80";
  EXPECT_EQ(text.find("-s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE"),
            std::string::npos)
      << "and its hairpin MASQUERADE (Docker before 28), which names the address twice";
  EXPECT_TRUE(
      std::any_of(fitted.comparison.stale.begin(), fitted.comparison.stale.end(), [](auto& l) {
        return l.find("(no container publishes tcp 8080 to 172.17.0.2:80)") != std::string::npos;
      }));
  EXPECT_NE(text.find("--dport 8090 -j DNAT --to-destination 10.77.0.2:80"), std::string::npos)
      << "app's stay";
  EXPECT_TRUE(compare_to_view(fitted.rules, world, Family::IPv4).stale.empty());
}

TEST_P(Captured, ANetworkGoneLeavesItsBridgeRulesStale) {
  auto world = captured_world(GetParam().user_bridge);
  world.networks.erase(world.networks.begin() + 1);  // labnet, and app with it
  world.containers.erase(world.containers.begin() + 1);
  const auto comparison = compare_to_view(capture(GetParam().file), world, Family::IPv4);
  EXPECT_TRUE(std::any_of(comparison.stale.begin(), comparison.stale.end(), [&](auto& l) {
    return l.find("nat -A POSTROUTING -s 10.77.0.0/24 ! -o br-") == 0 &&
           l.find("(no network has bridge br-") != std::string::npos;
  }));
}

INSTANTIATE_TEST_SUITE_P(Docker, Captured,
                         ::testing::Values(Case{"docker-20.10.24.iptables-save", "13945b77c4f7"},
                                           Case{"docker-26.1.5.iptables-save", "1a4034471461"},
                                           Case{"docker-28.5.2.iptables-save", "50caa2a98b86"}));

TEST(ViewRules, FlushedRulesMissEveryPortAndNetwork) {
  const auto comparison = compare_to_view(Ruleset{}, captured_world("1a4034471461"), Family::IPv4);
  EXPECT_THAT(comparison.missing,
              ElementsAre("nat DOCKER: tcp 8080 to web (172.17.0.2:80)",
                          "nat DOCKER: tcp 8090 to app (10.77.0.2:80)",
                          "nat DOCKER: udp 5353 to app (10.77.0.2:53)",
                          "nat DOCKER: tcp 8443 to app (10.77.0.2:443)",
                          "nat POSTROUTING: MASQUERADE of 172.17.0.0/16 (network bridge)",
                          "nat POSTROUTING: MASQUERADE of 10.77.0.0/24 (network labnet)"));
  EXPECT_THAT(comparison.stale, IsEmpty());
}

TEST(ViewRules, TheAdministratorsDockerUserRulesAreNeverJudged) {
  const auto part = docker_part(
      parse_ruleset("*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n"
                    "-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -i eth0 -s 198.51.100.7/32 -j DROP\n"
                    "-A DOCKER-USER -j f2b-sshd\nCOMMIT\n")
          .value());
  DockerView empty;
  EXPECT_THAT(compare_to_view(part, empty, Family::IPv4).stale, IsEmpty());
  EXPECT_EQ(to_text(fit_to_view(part, empty, Family::IPv4).rules), to_text(part));
}

TEST(ViewRules, PortsCountForTheirOwnFamily) {
  DockerView v;
  v.networks = {
      {"b0", "bridge", "bridge", "docker0", {"172.17.0.0/16", "fd00:d0c::/64"}, false, true}};
  v.containers = {{"c1",
                   "web",
                   {{"bridge", "172.17.0.2", "fd00:d0c::2"}},
                   {{"tcp", "0.0.0.0", 8080, 80}, {"tcp", "::", 8080, 80}}}};
  EXPECT_THAT(compare_to_view(Ruleset{}, v, Family::IPv6).missing,
              ElementsAre("nat DOCKER: tcp 8080 to web (fd00:d0c::2:80)",
                          "nat POSTROUTING: MASQUERADE of fd00:d0c::/64 (network bridge)"));
  const auto v6 = docker_part(
      parse_ruleset("*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
                    "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
                    "-A POSTROUTING -s fd00:d0c::/64 ! -o docker0 -j MASQUERADE\n"
                    "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT "
                    "--to-destination [fd00:d0c::2]:80\nCOMMIT\n")
          .value());
  EXPECT_TRUE(compare_to_view(v6, v, Family::IPv6).matches());
}

TEST(ViewRules, ARoutedNetworkExpectsNeitherDnatNorMasquerade) {
  // Docker 28's gateway_mode_ipv4=routed: no MASQUERADE, no DNAT for its published ports
  // (moby's iptablesdoc, usernet-portmap-routed.md); its IPv6 here still translates.
  DockerView v;
  v.networks = {{"g0",
                 "direct",
                 "bridge",
                 "br-g0",
                 {"192.0.2.0/24", "fd00:80::/64"},
                 false,
                 true,
                 "routed",
                 "nat"}};
  v.containers = {{"c1",
                   "web",
                   {{"direct", "192.0.2.2", "fd00:80::2"}},
                   {{"tcp", "0.0.0.0", 8080, 80}, {"tcp", "::", 8080, 80}}}};
  EXPECT_THAT(compare_to_view(Ruleset{}, v, Family::IPv4).missing, IsEmpty());
  EXPECT_THAT(compare_to_view(Ruleset{}, v, Family::IPv6).missing,
              ElementsAre("nat DOCKER: tcp 8080 to web (fd00:80::2:80)",
                          "nat POSTROUTING: MASQUERADE of fd00:80::/64 (network direct)"));
}

}  // namespace
}  // namespace dfg

namespace dfg {
namespace {

std::string recorded(const std::string& version, const std::string& file) {
  std::ifstream in(std::string(DFG_TEST_DATA_DIR) + "/docker-api/docker-" + version + "/" + file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// dockerd's own answers and the rules of the same moment, recorded in the lab on each
/// generation by tests/lab/record-docker-api.sh: web (8080), dns on labnet (5353/udp), local
/// (127.0.0.1:8443), quiet on an internal network.
class Recorded : public ::testing::TestWithParam<const char*> {
 protected:
  DockerView view() const {
    auto v = parse_docker_view(recorded(GetParam(), "containers.json"),
                               recorded(GetParam(), "networks.json"));
    EXPECT_TRUE(v.ok()) << v.error();
    return v.value_or(DockerView{});
  }
  DockerView view_without(const std::string& name) const {
    auto v = view();
    v.containers.erase(std::find_if(v.containers.begin(), v.containers.end(),
                                    [&](const ContainerView& c) { return c.name == name; }));
    return v;
  }
  Ruleset part(const char* file = "iptables-save") const {
    return docker_part(parse_ruleset(recorded(GetParam(), file)).value());
  }
};

TEST_P(Recorded, TheAnswersReadAsTheWorldTheyCameFrom) {
  const auto v = view();
  EXPECT_EQ(summary(v), "4 containers, 3 published ports, 5 networks");
  ASSERT_NE(v.network("labnet"), nullptr);
  EXPECT_EQ(v.network("labnet")->subnets, std::vector<std::string>{"10.77.0.0/24"});
  EXPECT_TRUE(v.network("labinternal")->internal);
}

TEST_P(Recorded, DockersRulesMatchWhatItHolds) {
  const auto comparison = compare_to_view(part(), view(), Family::IPv4);
  EXPECT_THAT(comparison.missing, IsEmpty());
  EXPECT_THAT(comparison.stale, IsEmpty());
  EXPECT_TRUE(compare_to_view(part("ip6tables-save"), view(), Family::IPv6).matches());
}

TEST_P(Recorded, AContainerGoneAndOneNewAreTold) {
  auto v = view();
  const auto web = std::find_if(v.containers.begin(), v.containers.end(),
                                [](const ContainerView& c) { return c.name == "web"; });
  ASSERT_NE(web, v.containers.end());
  web->name = "late";  // web gone, and another on its address publishing 9090
  web->ports = {{"tcp", "0.0.0.0", 9090, 80}};
  const auto comparison = compare_to_view(part(), v, Family::IPv4);
  EXPECT_THAT(comparison.missing, ElementsAre("nat DOCKER: tcp 9090 to late (172.17.0.2:80)"));
  EXPECT_TRUE(std::any_of(comparison.stale.begin(), comparison.stale.end(), [](auto& l) {
    return l.find("--dport 8080 -j DNAT --to-destination 172.17.0.2:80") != std::string::npos;
  }));
}

/// dockerd's answers in turn, one per ask; the last one stays.
struct Answers {
  std::vector<DockerView> views;
  std::size_t asked = 0;
  Expected<DockerView> operator()() { return views[std::min(asked++, views.size() - 1)]; }
};

/// The recorded rules, as iptables-save lists them.
FakeRunner listing(const char* version) {
  FakeRunner runner;
  runner.results["iptables-save"] = exited(0, recorded(version, "iptables-save"));
  return runner;
}

TEST_P(Recorded, AContainerBeingStartedIsWaitedForNotCalledStale) {
  // dockerd wrote web's rules, but lists web only once it runs: two answers later.
  auto runner = listing(GetParam());
  const auto starting = view_without("web");
  Answers answers{{starting, starting, view()}};
  test::FakeClock clock;
  const CanaryResult jumps{{{Family::IPv4, RulesState::Present, {}}}};
  const auto judged = judge_settled(jumps, std::ref(answers), runner, clock, view_settle);
  EXPECT_EQ(judged.overall(), RulesState::Present) << describe(judged);
  EXPECT_EQ(answers.asked, 3u);
  EXPECT_EQ(clock.slept, 2 * view_recheck);
}

TEST_P(Recorded, ADisagreementThatLastsIsFlushedAfterTheSettleTime) {
  auto runner = listing(GetParam());
  Answers answers{{view_without("web")}};
  test::FakeClock clock;
  const CanaryResult jumps{{{Family::IPv4, RulesState::Present, {}}}};
  const auto judged = judge_settled(jumps, std::ref(answers), runner, clock, view_settle);
  EXPECT_EQ(judged.overall(), RulesState::Flushed);
  EXPECT_THAT(judged.families[0].detail, HasSubstr("stale: "));
  EXPECT_EQ(clock.slept, view_settle);
  // Flushed jumps need no second opinion.
  clock.slept = {};
  const CanaryResult flushed{
      {{Family::IPv4, RulesState::Flushed, "filter FORWARD -j DOCKER-USER: missing"}}};
  EXPECT_EQ(judge_settled(flushed, std::ref(answers), runner, clock, view_settle).overall(),
            RulesState::Flushed);
  EXPECT_EQ(clock.slept, std::chrono::milliseconds(0));
}

INSTANTIATE_TEST_SUITE_P(Docker, Recorded, ::testing::Values("20.10.24", "26.1.5", "28.5.2"));

}  // namespace
}  // namespace dfg
