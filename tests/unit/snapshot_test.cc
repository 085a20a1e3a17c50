#include "snapshot_file.h"

#include <gtest/gtest.h>

namespace dfg {
namespace {

Snapshot sample() {
  Snapshot s;
  s.firewall = "iptables.service";
  s.dockerd_pid = 4242;
  s.dockerd_start = 123456;
  s.taken_ms = 987654321;
  s.families.push_back(
      {Family::IPv4, parse_ruleset("*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
                                   "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
                                   "-A DOCKER -i docker0 -j RETURN\nCOMMIT\n")
                         .value()});
  s.families.push_back({Family::IPv6, Ruleset{}});
  return s;
}

/// A snapshot whose rules keep their places among the firewall's, jump to a chain of others,
/// and carry what dockerd held.
Snapshot placed() {
  auto s = sample();
  s.held = {"network n1 bridge bridge docker0 external masquerade nat nat 172.17.0.0/16",
            "container c1 web", "attachment bridge 172.17.0.2 -", "port tcp 0.0.0.0 8080 80"};
  s.families[1].second = docker_part(
      parse_ruleset("*filter\n:FORWARD DROP [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n"
                    ":BLOCKLIST - [0:0]\n-A FORWARD -j DOCKER-USER\n-A FORWARD -j REJECT\n"
                    "-A FORWARD -o docker0 -j ACCEPT\n-A DOCKER ! -i docker0 -o docker0 -j DROP\n"
                    "-A DOCKER-USER -j BLOCKLIST\nCOMMIT\n")
          .value());
  return s;
}

TEST(Snapshot, RoundTrips) {
  const auto text = render_snapshot(sample());
  const auto parsed = parse_snapshot(text);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed.value().firewall, "iptables.service");
  EXPECT_EQ(parsed.value().dockerd_pid, 4242u);
  EXPECT_EQ(parsed.value().dockerd_start, 123456u);
  EXPECT_EQ(parsed.value().taken_ms, 987654321u);
  ASSERT_EQ(parsed.value().families.size(), 2u);
  EXPECT_EQ(parsed.value().families[1].first, Family::IPv6);
  EXPECT_EQ(render_snapshot(parsed.value()), text);
}

TEST(Snapshot, KeepsPlacesChainsOfOthersAndWhatDockerdHeld) {
  const auto text = render_snapshot(placed());
  EXPECT_NE(text.find("held container c1 web\n"), std::string::npos) << text;
  EXPECT_NE(text.find("after filter FORWARD 2 1 -j REJECT\n"), std::string::npos) << text;
  EXPECT_NE(text.find("others filter BLOCKLIST\n"), std::string::npos) << text;
  const auto parsed = parse_snapshot(text);
  ASSERT_TRUE(parsed) << parsed.error();
  EXPECT_EQ(parsed.value().held, placed().held);
  const auto& filter = parsed.value().families[1].second.tables.at(0);
  ASSERT_EQ(filter.rules.size(), 4u);
  EXPECT_EQ(filter.rules[0].after, "");
  EXPECT_EQ(filter.rules[1].spec, "-o docker0 -j ACCEPT");
  EXPECT_EQ(filter.rules[1].after, "-j REJECT");
  EXPECT_EQ(filter.rules[1].after_copy, 1u);
  EXPECT_EQ(filter.others, std::vector<std::string>{"BLOCKLIST"});
  EXPECT_EQ(render_snapshot(parsed.value()), text);
}

TEST(Snapshot, RefusesPlacesOfRulesItDoesNotHold) {
  const auto text = render_snapshot(placed());
  auto altered = [&](const std::string& from, const std::string& to) {
    auto t = text;
    t.replace(t.find(from), from.size(), to);
    return parse_snapshot(t);
  };
  EXPECT_FALSE(altered("after filter FORWARD 2 1", "after filter FORWARD 3 1"));
  EXPECT_FALSE(altered("after filter FORWARD 2 1", "after nat FORWARD 2 1"));
  EXPECT_FALSE(altered("others filter BLOCKLIST", "others raw BLOCKLIST"));
  EXPECT_FALSE(altered("others filter BLOCKLIST", "others"));
  EXPECT_FALSE(altered("after filter FORWARD 2 1 -j REJECT", "after"));
  EXPECT_FALSE(altered("after filter FORWARD 2 1 -j REJECT", "after filter"));
  EXPECT_FALSE(altered("after filter FORWARD 2 1 -j REJECT", "after filter FORWARD 2 0 -j REJECT"));
  EXPECT_FALSE(altered("after filter FORWARD 2 1 -j REJECT\n",
                       "after filter FORWARD 2 1 -j REJECT\n-A FORWARD -j ACCEPT\n"))
      << "no rule after the places";
}

TEST(Snapshot, RefusesEveryTruncation) {
  const auto text = render_snapshot(placed());
  for (std::size_t size = 0; size < text.size(); ++size)
    EXPECT_FALSE(parse_snapshot(text.substr(0, size))) << "accepted the first " << size << " bytes";
}

TEST(Snapshot, NamesWhatIsWrong) {
  const auto text = render_snapshot(sample());
  auto altered = [&](const std::string& from, const std::string& to) {
    auto t = text;
    t.replace(t.find(from), from.size(), to);
    return parse_snapshot(t).error();
  };
  EXPECT_EQ(altered("snapshot 1", "snapshot 2"),
            "line 1: not a docker-firewall-guard snapshot (version 1)");
  EXPECT_EQ(altered("dockerd 4242 123456", "dockerd 4242"),
            "line 3: dockerd needs a process id and a start time");
  EXPECT_EQ(altered("-A DOCKER -i docker0", "-A DOKKER -i docker0"),
            "line 10: IPv4 rules: a rule in the undeclared chain DOKKER");
  // A rule the restore would put at the top of a built-in chain, but not Docker's.
  EXPECT_EQ(
      altered("-A PREROUTING -m addrtype", "-A PREROUTING -j ACCEPT\n-A PREROUTING -m addrtype"),
      "line 6: IPv4 rules: not only Docker's: -t nat -A PREROUTING -j ACCEPT");
  // A chain the restore would declare, and so empty, that is not Docker's.
  EXPECT_EQ(altered(":DOCKER - [0:0]", ":DOCKER - [0:0]\n:f2b-sshd - [0:0]"),
            "line 6: IPv4 rules: not only Docker's: -t nat :f2b-sshd");
  EXPECT_EQ(altered("end\n", "end\nmore\n"), "line 14: text after the end");
  EXPECT_EQ(altered("taken 987654321\n", ""), "line 12: firewall, dockerd or taken is missing");
}

}  // namespace
}  // namespace dfg
