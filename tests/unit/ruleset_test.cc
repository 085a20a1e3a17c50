#include "ruleset.h"

#include "iptables_restore_sim.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace dfg {
namespace {

using test::apply;
using test::by_chain;

std::string read_capture(const std::string& name) {
  std::ifstream in(std::string(DFG_TEST_DATA_DIR) + "/docker-rules/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const Ruleset& ruleset) {
  std::vector<std::string> lines;
  for (const auto& table : ruleset.tables)
    for (const auto& rule : table.rules)
      lines.push_back(table.name + " -A " + rule.chain + " " + rule.spec);
  return lines;
}

Ruleset parse(const std::string& text) {
  auto parsed = parse_ruleset(text);
  EXPECT_TRUE(parsed) << parsed.error();
  return parsed.value_or({});
}

/// `all` without the rules of `part`, as the firewall's restart leaves it.
Ruleset without(const Ruleset& all, const Ruleset& part) {
  const auto gone = lines_of(part);
  Ruleset rest;
  for (const auto& table : all.tables) {
    Table kept{table.name, {}, {}, {}};
    for (const auto& chain : table.chains)
      if (chain.builtin()) kept.chains.push_back(chain);
    for (const auto& rule : table.rules)
      if (std::find(gone.begin(), gone.end(), table.name + " -A " + rule.chain + " " + rule.spec) ==
          gone.end())
        kept.rules.push_back(rule);
    rest.tables.push_back(kept);
  }
  return rest;
}

/// The firewall's own rules in the captures: EL's default file.
const char* const el_firewall =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    "-A INPUT -m state --state RELATED,ESTABLISHED -j ACCEPT\n"
    "-A INPUT -p icmp -j ACCEPT\n"
    "-A INPUT -i lo -j ACCEPT\n"
    "-A INPUT -p tcp -m state --state NEW -m tcp --dport 22 -j ACCEPT\n"
    "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
    "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
    "COMMIT\n";

class Captures : public ::testing::TestWithParam<const char*> {};

TEST_P(Captures, DockersPartIsEverythingButTheFirewallsRules) {
  const auto all = parse(read_capture(GetParam()));
  const auto firewall = lines_of(parse(el_firewall));
  std::vector<std::string> expected;
  for (const auto& line : lines_of(all))
    if (std::find(firewall.begin(), firewall.end(), line) == firewall.end())
      expected.push_back(line);
  ASSERT_GT(expected.size(), 4u);
  EXPECT_EQ(lines_of(docker_part(all)), expected);
}

TEST_P(Captures, RestoreAfterTheFirewallPutsDockersRulesBackAtTheTop) {
  const auto all = parse(read_capture(GetParam()));
  const auto saved = docker_part(all);
  auto now = without(all, saved);  // the firewall restarted: its own rules only
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  // Docker's rules come first in each built-in chain, as in the captures (taken with
  // Docker's rules above the firewall's REJECT): chain by chain, the capture itself.
  EXPECT_EQ(by_chain(now), by_chain(all));
  EXPECT_EQ(by_chain(docker_part(now)), by_chain(saved));
}

TEST_P(Captures, RestoreTwiceDoublesNothing) {
  const auto all = parse(read_capture(GetParam()));
  const auto saved = docker_part(all);
  auto now = without(all, saved);
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  const auto once = by_chain(now);
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  EXPECT_EQ(by_chain(now), once);
}

TEST_P(Captures, RulesSavedIntoTheFirewallsFileAreNotDoubled) {
  // `service iptables save` wrote Docker's rules into the firewall's file; a later
  // container changed Docker's part, so the file is stale.
  const auto all = parse(read_capture(GetParam()));
  const auto saved = docker_part(all);
  auto now = all;
  now.tables.front().rules.push_back(now.tables.front().rules.front());  // an extra copy
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  for (const auto& line : lines_of(saved)) {
    const auto restored = lines_of(now);
    EXPECT_EQ(std::count(restored.begin(), restored.end(), line), 1) << line;
  }
}

INSTANTIATE_TEST_SUITE_P(Docker, Captures,
                         ::testing::Values("docker-20.10.24.iptables-save",
                                           "docker-26.1.5.iptables-save",
                                           "docker-28.5.2.iptables-save",
                                           "docker-28.5.2.ip6tables-save"));

TEST(DockerPart, FindsTheLoopbackPublishedPortAndHairpinRules) {
  const auto part = lines_of(docker_part(parse(read_capture("docker-28.5.2.iptables-save"))));
  EXPECT_NE(
      std::find(part.begin(), part.end(),
                "raw -A PREROUTING -d 127.0.0.1/32 ! -i lo -p tcp -m tcp --dport 8443 -j DROP"),
      part.end());
  const auto old = lines_of(docker_part(parse(read_capture("docker-20.10.24.iptables-save"))));
  EXPECT_NE(std::find(old.begin(), old.end(),
                      "nat -A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport "
                      "80 -j MASQUERADE"),
            old.end());
}

TEST(DockerPart, Docker28IpsetRuleInForwardIsDockers) {
  // Docker 28.0's FORWARD, as moby's iptablesdoc shows it for a new daemon.
  const auto part = docker_part(
      parse("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n"
            "-A FORWARD -j DOCKER-USER\n"
            "-A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack --ctstate "
            "RELATED,ESTABLISHED -j ACCEPT\n"
            "-A FORWARD -m set --match-set admins-v4 src -j ACCEPT\n"
            "COMMIT\n"));
  EXPECT_EQ(lines_of(part),
            (std::vector<std::string>{
                "filter -A FORWARD -j DOCKER-USER",
                "filter -A FORWARD -m set --match-set docker-ext-bridges-v4 dst -m conntrack "
                "--ctstate RELATED,ESTABLISHED -j ACCEPT"}))
      << "the administrator's own ipset rule stays the administrator's";
}

TEST(DockerPart, LeavesOtherBridgesAndLoopbackAlone) {
  const auto part = docker_part(parse(
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:DOCKER - [0:0]\n"
      "-A INPUT -i lo -j ACCEPT\n"
      "-A FORWARD -i virbr0 -j ACCEPT\n"
      "-A FORWARD -o docker0 -j DOCKER\n"
      "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n"
      "COMMIT\n*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -i eth0 -j MARK --set-mark 1\n"
      "COMMIT\n"));
  EXPECT_EQ(lines_of(part),
            (std::vector<std::string>{
                "filter -A FORWARD -o docker0 -j DOCKER",
                "filter -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport "
                "80 -j ACCEPT"}));
  ASSERT_EQ(part.tables.size(), 1u);  // nothing of Docker's in mangle
}

TEST(DockerPart, TheAdministratorsDockerUserRulesMarkNothing) {
  // Docker's documented example: DOCKER-USER rules naming the host's own interface. The
  // firewall's rules on eth0 and on the host's published address stay the firewall's.
  const auto part = docker_part(parse(
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:DOCKER - [0:0]\n:DOCKER-USER - [0:0]\n"
      "-A INPUT -i eth0 -p tcp -m tcp --dport 22 -j ACCEPT\n"
      "-A INPUT -d 203.0.113.5/32 -j ACCEPT\n"
      "-A FORWARD -j DOCKER-USER\n"
      "-A FORWARD -i eth0 -o eth1 -j ACCEPT\n"
      "-A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP\n"
      "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n"
      "COMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      "-A POSTROUTING -s 203.0.113.5/32 -j SNAT --to-source 203.0.113.9\n"
      "-A DOCKER -d 203.0.113.5/32 ! -i docker0 -p tcp -m tcp --dport 443 -j DNAT "
      "--to-destination 172.17.0.2:443\n"
      "COMMIT\n"));
  EXPECT_EQ(lines_of(part),
            (std::vector<std::string>{
                "filter -A FORWARD -j DOCKER-USER",
                "filter -A DOCKER-USER -i eth0 ! -s 192.0.2.0/24 -j DROP",
                "filter -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport "
                "80 -j ACCEPT",
                "nat -A DOCKER -d 203.0.113.5/32 ! -i docker0 -p tcp -m tcp --dport 443 -j DNAT "
                "--to-destination 172.17.0.2:443"}));
}

TEST(DockerPart, FindsIPv6DnatTargetsWithoutBrackets) {
  const auto part = docker_part(
      parse("*nat\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
            "-A POSTROUTING -s fd00::2/128 -d fd00::2/128 -p tcp -m tcp --dport 80 -j MASQUERADE\n"
            "-A DOCKER -p tcp -m tcp --dport 8080 -j DNAT --to-destination fd00::2\nCOMMIT\n"));
  EXPECT_EQ(part.tables.at(0).rules.size(), 2u);
}

TEST(PlanRestore, KeepsTheFirewallsOwnDockerUser) {
  const auto saved = docker_part(
      parse("*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n"
            "-A DOCKER-USER -s 10.9.0.0/16 -j DROP\nCOMMIT\n"));
  const auto now = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -s 10.8.0.0/16 "
      "-j DROP\nCOMMIT\n");
  const auto scripts = plan_restore(saved, now);
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(scripts[0].text, "*filter\n-I FORWARD 1 -j DOCKER-USER\nCOMMIT\n")
      << "the edited file's DOCKER-USER stands; only the jump to it comes back";
  EXPECT_THAT(plan_restore(saved, Ruleset{})[0].text,
              ::testing::HasSubstr(":DOCKER-USER - [0:0]\n-A DOCKER-USER -s 10.9.0.0/16 -j DROP\n"))
      << "missing, it is created from the snapshot";
}

TEST(PlanRestore, LeavesJumpsToOthersChainsThatAreGoneToTheirOwners) {
  // fail2ban with chain = DOCKER-USER: its jump saved with Docker's rules, its chain deleted
  // by the flush. Restoring the jump would fail the whole filter table.
  const auto saved = docker_part(
      parse("*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n:f2b-sshd - [0:0]\n"
            "-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -p tcp -m multiport --dports 22 -j "
            "f2b-sshd\n-A DOCKER-USER -j RETURN\n-A f2b-sshd -j RETURN\nCOMMIT\n"));
  auto scripts = plan_restore(saved, Ruleset{});
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(scripts[0].text,
            "*filter\n:DOCKER-USER - [0:0]\n-A DOCKER-USER -j RETURN\n-I FORWARD 1 -j "
            "DOCKER-USER\nCOMMIT\n");
  EXPECT_THAT(
      scripts[0].left_out,
      ::testing::ElementsAre("filter -A DOCKER-USER -p tcp -m multiport --dports 22 -j f2b-sshd"));
  // Its chain there again (fail2ban started first): the jump goes back with the rest.
  const auto now = parse("*filter\n:INPUT ACCEPT [0:0]\n:f2b-sshd - [0:0]\nCOMMIT\n");
  scripts = plan_restore(saved, now);
  EXPECT_THAT(scripts[0].left_out, ::testing::IsEmpty());
  EXPECT_THAT(scripts[0].text,
              ::testing::HasSubstr("-A DOCKER-USER -p tcp -m multiport --dports 22 -j f2b-sshd\n"));
}

TEST(PlanRestore, DeclaresNoBuiltinChainSavedWithAccept) {
  const auto saved = docker_part(parse(read_capture("docker-26.1.5.iptables-save")));
  for (const auto& script : plan_restore(saved, Ruleset{})) {
    EXPECT_EQ(script.text.find(":FORWARD"), std::string::npos) << script.text;
    EXPECT_EQ(script.text.find(":PREROUTING"), std::string::npos) << script.text;
  }
}

TEST(PlanRestore, CountsTheRulesItWrites) {
  const auto saved = docker_part(
      parse("*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
            "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n-A DOCKER -i docker0 -j RETURN\n"
            "COMMIT\n"));
  const auto scripts = plan_restore(saved, Ruleset{});
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_EQ(scripts[0].rules, 2u);
  EXPECT_EQ(scripts[0].text,
            "*nat\n:DOCKER - [0:0]\n-A DOCKER -i docker0 -j RETURN\n"
            "-I PREROUTING 1 -m addrtype --dst-type LOCAL -j DOCKER\nCOMMIT\n");
}

/// A host whose firewall file has nat rules of the administrator's, with Docker's around them
/// as Docker put them: its MASQUERADE inserted, its jumps and hairpin MASQUERADE appended.
const char* const admin_nat_file =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
    ":ADMIN-PORTS - [0:0]\n"
    "-A PREROUTING -p tcp -m tcp --dport 2222 -j ADMIN-PORTS\n"
    "-A POSTROUTING -s 192.0.2.0/24 -o lab-out -j MASQUERADE\n"
    "-A ADMIN-PORTS -p tcp -j REDIRECT --to-ports 22\n"
    "COMMIT\n";
const char* const admin_nat_live =
    "*nat\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"
    ":ADMIN-PORTS - [0:0]\n:DOCKER - [0:0]\n"
    "-A PREROUTING -p tcp -m tcp --dport 2222 -j ADMIN-PORTS\n"
    "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
    "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n"
    "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n"
    "-A POSTROUTING -s 192.0.2.0/24 -o lab-out -j MASQUERADE\n"
    "-A POSTROUTING -s 172.17.0.2/32 -d 172.17.0.2/32 -p tcp -m tcp --dport 80 -j MASQUERADE\n"
    "-A ADMIN-PORTS -p tcp -j REDIRECT --to-ports 22\n"
    "-A DOCKER -i docker0 -j RETURN\n"
    "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 172.17.0.2:80\n"
    "COMMIT\n";

TEST(PlanRestore, PutsRulesBackWhereDockerPutsThem) {
  const auto live = parse(admin_nat_live);
  auto now = parse(admin_nat_file);  // the firewall restarted and loaded its file
  for (const auto& script : plan_restore(docker_part(live), now)) apply(now, script);
  EXPECT_EQ(by_chain(now), by_chain(live));
}

TEST(PlanRestore, LeavesATableThatHoldsItAllAlone) {
  // EL's reload loads a file that names only *filter: nat keeps Docker's rules.
  const auto capture = parse(read_capture("docker-26.1.5.iptables-save"));
  const auto saved = docker_part(capture);
  const auto flushed = without(capture, saved);
  auto now = capture;
  ASSERT_EQ(now.tables[0].name, "filter");
  ASSERT_EQ(flushed.tables[0].name, "filter");
  now.tables[0] = flushed.tables[0];
  const auto scripts = plan_restore(saved, now);
  std::vector<std::string> in_place, rewritten;
  for (const auto& script : scripts) {
    (script.in_place ? in_place : rewritten).push_back(script.table);
    if (script.in_place) {
      EXPECT_EQ(script.text, "");
    }
  }
  EXPECT_THAT(in_place, ::testing::ElementsAre("nat"));
  EXPECT_THAT(rewritten, ::testing::ElementsAre("filter"));
  for (const auto& script : scripts) apply(now, script);
  EXPECT_EQ(by_chain(now), by_chain(capture));
}

TEST(PlanRestore, DeletesStaleRulesOfDockersInBuiltinChains) {
  // The firewall's file holds Docker's rules as saved long ago: a network's MASQUERADE and a
  // container's hairpin that dockerd no longer holds.
  const auto live = parse(admin_nat_live);
  const char* const old_masquerade = "-s 10.99.0.0/24 ! -o br-0ld -j MASQUERADE";
  const char* const old_hairpin =
      "-s 172.17.0.9/32 -d 172.17.0.9/32 -p tcp -m tcp --dport 443 -j MASQUERADE";
  auto now = live;
  now.tables[0].rules.push_back({"POSTROUTING", old_masquerade, {}, {}});
  now.tables[0].rules.push_back({"POSTROUTING", old_hairpin, {}, {}});
  now = parse(to_text(now));
  const auto stale = parse(std::string("*nat\n:POSTROUTING ACCEPT [0:0]\n-A POSTROUTING ") +
                           old_masquerade + "\n-A POSTROUTING " + old_hairpin + "\nCOMMIT\n");
  const auto scripts = plan_restore(docker_part(live), now, stale);
  ASSERT_EQ(scripts.size(), 1u);
  EXPECT_FALSE(scripts[0].in_place);
  apply(now, scripts[0]);
  EXPECT_EQ(by_chain(now), by_chain(live));
}

TEST(DockerPart, RulesOfTheAdministratorsStayTheirs) {
  // A chain named DOCKER-something, and a FORWARD rule naming Docker's bridge with a shape
  // Docker never writes (one port, REJECT), are the administrator's.
  const auto all = parse(
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      ":DOCKER-ADMIN - [0:0]\n"
      "-A INPUT -j DOCKER-ADMIN\n"
      "-A FORWARD -o docker0 -j DOCKER\n"
      "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n"
      "-A FORWARD -i docker0 -o lab-out -p tcp -m tcp --dport 25 -j REJECT --reject-with "
      "icmp-port-unreachable\n"
      "-A DOCKER-ADMIN -s 203.0.113.0/24 -j DROP\n"
      "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n"
      "COMMIT\n");
  EXPECT_THAT(lines_of(docker_part(all)),
              ::testing::ElementsAre(
                  "filter -A FORWARD -o docker0 -j DOCKER",
                  "filter -A FORWARD -i docker0 ! -o docker0 -j ACCEPT",
                  "filter -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp "
                  "--dport 80 -j ACCEPT"));
}

TEST(PlanRestore, KeepsARuleDockerAppendedAfterTheFirewallsOwn) {
  // Docker 20.10 appends the FORWARD rules of a network created after the firewall loaded its
  // file: after EL's REJECT, where they forward nothing. They go back there, not on top.
  const auto all = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      "-A FORWARD -o docker0 -j DOCKER\n-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n"
      "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
      "-A FORWARD -o br-1234 -j DOCKER\n-A FORWARD -i br-1234 ! -o br-1234 -j ACCEPT\n"
      "-A DOCKER ! -i docker0 -o docker0 -j DROP\n-A DOCKER ! -i br-1234 -o br-1234 -j DROP\n"
      "COMMIT\n");
  const auto saved = docker_part(all);
  ASSERT_EQ(saved.tables[0].rules.size(), 6u);
  EXPECT_EQ(saved.tables[0].rules[2].after, "-j REJECT --reject-with icmp-host-prohibited");
  auto now = without(all, saved);
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  EXPECT_EQ(by_chain(now), by_chain(all));
  // The REJECT gone from the firewall's file: they go where Docker puts them, on top.
  Ruleset bare = parse("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n");
  for (const auto& script : plan_restore(saved, bare)) apply(bare, script);
  EXPECT_EQ(by_chain(bare).at("filter FORWARD").size(), 4u);
}

TEST(PlanRestore, APlaceSurvivesARestartsTwoRestores) {
  // A restart: saved before the stop, put back into the flushed chain (the REJECT it followed
  // is away), saved again by the start's ExecStartPre=, put back once the file is loaded.
  const auto all = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      "-A FORWARD -o docker0 -j DOCKER\n-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
      "-A FORWARD -i docker0 -o docker0 -j DROP\n-A DOCKER ! -i docker0 -o docker0 -j DROP\n"
      "COMMIT\n");
  const auto first = docker_part(all);
  Ruleset now = parse("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n");  // the stop's flush
  for (const auto& script : plan_restore(first, now)) apply(now, script);
  auto second = docker_part(now);
  auto place_of_drop = [](const Ruleset& part) {
    for (const auto& rule : part.tables.at(0).rules)
      if (rule.spec == "-i docker0 -o docker0 -j DROP") return rule.after;
    return std::string("(not there)");
  };
  EXPECT_EQ(place_of_drop(second), "") << "nothing of the firewall's is there now";
  keep_places(second, now, first);
  EXPECT_EQ(place_of_drop(second), "-j REJECT --reject-with icmp-host-prohibited");
  Ruleset started = without(all, first);  // the file loaded: REJECT alone
  for (const auto& script : plan_restore(second, started)) apply(started, script);
  EXPECT_EQ(by_chain(started), by_chain(all));
  // Where the firewall's rule is there, the place read now stands.
  auto listed = docker_part(all);
  keep_places(listed, all, docker_part(parse("*filter\n:FORWARD ACCEPT [0:0]\nCOMMIT\n")));
  EXPECT_EQ(place_of_drop(listed), "-j REJECT --reject-with icmp-host-prohibited");
}

TEST(PlanRestore, WritesNoPolicyButDockersForwardDrop) {
  // The firewall's own INPUT DROP, set ACCEPT by EL's stop: never written back (a stop's
  // restore would leave INPUT dropping everything, ssh too, with no rule to accept).
  const auto saved = docker_part(parse(
      "*filter\n:INPUT DROP [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n"
      ":DOCKER-USER - [0:0]\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A FORWARD -j DOCKER-USER\n"
      "COMMIT\n*raw\n:PREROUTING DROP [0:0]\nCOMMIT\n"));
  auto now = parse(
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n"
      "*raw\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n");
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  EXPECT_EQ(test::policies(now).at("filter INPUT"), "ACCEPT");
  EXPECT_EQ(test::policies(now).at("raw PREROUTING"), "ACCEPT");
  EXPECT_EQ(test::policies(now).at("filter FORWARD"), "DROP");
}

TEST(PlanRestore, PlacesFollowTheRightCopyAndKeepDockersOrderWhenOneIsLost) {
  // The rule a Docker rule followed appears twice: the second copy is its place.
  const auto twice = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n-A FORWARD -i eth1 -j LOG\n"
      "-A FORWARD -o docker0 -j DOCKER\n-A FORWARD -i eth1 -j LOG\n"
      "-A FORWARD -i docker0 ! -o docker0 -j ACCEPT\n-A DOCKER ! -i docker0 -o docker0 -j DROP\n"
      "COMMIT\n");
  const auto saved = docker_part(twice);
  auto now = without(twice, saved);
  for (const auto& script : plan_restore(saved, now)) apply(now, script);
  EXPECT_EQ(by_chain(now), by_chain(twice));
  // The REJECT a rule followed now reads otherwise: that rule goes right after Docker's rule
  // before it, never above DOCKER-USER (which would bypass the administrator's filtering).
  const auto saved_too = docker_part(parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n:DOCKER - [0:0]\n"
      "-A FORWARD -i wg0 -j ACCEPT\n-A FORWARD -j DOCKER-USER\n-A FORWARD -o docker0 -j DOCKER\n"
      "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n-A FORWARD -o br-1234 -j ACCEPT\n"
      "-A DOCKER ! -i docker0 -o docker0 -j DROP\n-A DOCKER ! -i br-1234 -o br-1234 -j DROP\n"
      "COMMIT\n"));
  auto edited = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n-A FORWARD -i wg0 -j ACCEPT\n"
      "-A FORWARD -j REJECT --reject-with icmp-port-unreachable\nCOMMIT\n");
  for (const auto& script : plan_restore(saved_too, edited)) apply(edited, script);
  EXPECT_THAT(by_chain(edited).at("filter FORWARD"),
              ::testing::ElementsAre("-i wg0 -j ACCEPT", "-j DOCKER-USER", "-o docker0 -j DOCKER",
                                     "-o br-1234 -j ACCEPT",
                                     "-j REJECT --reject-with icmp-port-unreachable"));
}

TEST(PlanRestore, ATableWithDockersRulesOutOfPlaceIsNotInPlace) {
  // The firewall's file holds copies of Docker's rules, the icc DROP above its REJECT.
  const auto all = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n-A FORWARD -o docker0 -j DOCKER\n"
      "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
      "-A FORWARD -i docker0 -o docker0 -j DROP\n-A DOCKER ! -i docker0 -o docker0 -j DROP\n"
      "COMMIT\n");
  const auto saved = docker_part(all);
  auto now = parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n-A FORWARD -o docker0 -j DOCKER\n"
      "-A FORWARD -i docker0 -o docker0 -j DROP\n"
      "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
      "-A DOCKER ! -i docker0 -o docker0 -j DROP\nCOMMIT\n");
  const auto scripts = plan_restore(saved, now);
  EXPECT_FALSE(scripts[0].in_place);
  for (const auto& script : scripts) apply(now, script);
  EXPECT_EQ(by_chain(now), by_chain(all));
  EXPECT_TRUE(plan_restore(saved, now)[0].in_place) << "once in order, it is";
}

TEST(PlanRestore, PutsDockersForwardDropBackAndNeverWritesAccept) {
  // Docker sets FORWARD's policy to DROP when it enables forwarding itself (always for IPv6
  // from 27 on); EL's stop sets every policy to ACCEPT.
  const auto saved =
      docker_part(parse("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:DOCKER-USER - [0:0]\n"
                        "-A FORWARD -j DOCKER-USER\nCOMMIT\n"));
  auto now = parse("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\nCOMMIT\n");
  const auto scripts = plan_restore(saved, now);
  EXPECT_THAT(scripts[0].text, ::testing::HasSubstr(":FORWARD DROP [0:0]\n"));
  EXPECT_EQ(scripts[0].text.find(":INPUT"), std::string::npos) << scripts[0].text;
  for (const auto& script : scripts) apply(now, script);
  EXPECT_EQ(test::policies(now).at("filter FORWARD"), "DROP");
  EXPECT_TRUE(plan_restore(saved, now)[0].in_place);
  // Saved with ACCEPT, and the firewall's file says DROP: the firewall's stays.
  const auto accepting = docker_part(parse(
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n"));
  EXPECT_EQ(plan_restore(accepting, now)[0].text.find(":FORWARD"), std::string::npos);
}

TEST(PlanRestore, LeavesAJumpToAnUpperCaseChainOfOthersToItsOwner) {
  // CrowdSec's bouncer, or an administrator's BLOCKLIST kept by a unit of its own: a chain
  // whose name reads like a target's. The flush deleted it; its jump would fail the table.
  const auto saved =
      docker_part(parse("*filter\n:FORWARD ACCEPT [0:0]\n:BLOCKLIST - [0:0]\n:DOCKER-USER - [0:0]\n"
                        "-A FORWARD -j DOCKER-USER\n-A BLOCKLIST -s 203.0.113.9/32 -j DROP\n"
                        "-A DOCKER-USER -j BLOCKLIST\n-A DOCKER-USER -j RETURN\nCOMMIT\n"));
  EXPECT_EQ(saved.tables[0].others, std::vector<std::string>{"BLOCKLIST"});
  auto scripts = plan_restore(saved, Ruleset{});
  EXPECT_THAT(scripts[0].left_out, ::testing::ElementsAre("filter -A DOCKER-USER -j BLOCKLIST"));
  EXPECT_EQ(scripts[0].text.find("BLOCKLIST"), std::string::npos) << scripts[0].text;
  // Made again before the restore: the jump goes back with the rest.
  scripts = plan_restore(saved, parse("*filter\n:BLOCKLIST - [0:0]\nCOMMIT\n"));
  EXPECT_THAT(scripts[0].left_out, ::testing::IsEmpty());
  EXPECT_THAT(scripts[0].text, ::testing::HasSubstr("-A DOCKER-USER -j BLOCKLIST\n"));
  // Targets are no chains: a DNAT, a MASQUERADE or a LOG goes back whatever its name.
  const auto nat = docker_part(
      parse("*nat\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
            "-A POSTROUTING -s 10.81.0.0/24 ! -o br-1 -j SNAT --to-source 198.51.100.50\n"
            "-A DOCKER -i br-1 -j RETURN\nCOMMIT\n"));
  EXPECT_THAT(plan_restore(nat, Ruleset{})[0].left_out, ::testing::IsEmpty());
  EXPECT_EQ(plan_restore(nat, Ruleset{})[0].rules, 2u) << "the SNAT of a host_ipv4 network too";
}

TEST(DockerPart, AnAdministratorsRawDropOfAContainersAddressIsTheirs) {
  // Docker 28's raw drops always negate an input interface; this one does not.
  const auto part = docker_part(parse(
      "*raw\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 172.17.0.2/32 -j DROP\n"
      "-A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP\nCOMMIT\n"
      "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      "-A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80 -j ACCEPT\n"
      "COMMIT\n"));
  EXPECT_THAT(lines_of(part),
              ::testing::ElementsAre("raw -A PREROUTING -d 172.17.0.2/32 ! -i docker0 -j DROP",
                                     "filter -A DOCKER -d 172.17.0.2/32 ! -i docker0 -o docker0 "
                                     "-p tcp -m tcp --dport 80 -j ACCEPT"));
}

TEST(ParseRuleset, KeepsQuotedWordsTogether) {
  const auto parsed = parse(
      "*filter\n:DOCKER-USER - [0:0]\n"
      "-A DOCKER-USER -s 10.0.0.0/8 -m comment --comment \"keep \\\"this\\\" out\" -j DROP\n"
      "COMMIT\n");
  const auto& rule = parsed.tables.at(0).rules.at(0);
  EXPECT_EQ(rule.spec, "-s 10.0.0.0/8 -m comment --comment \"keep \\\"this\\\" out\" -j DROP");
  EXPECT_EQ(rule.words.at(5), "keep \"this\" out");
}

TEST(ParseRuleset, NamesTheLineOfWhatItCannotRead) {
  const std::pair<const char*, const char*> cases[] = {
      {"-A FORWARD -j DOCKER\n", "line 1: outside of a table: -A FORWARD -j DOCKER"},
      {"*filter\n:FORWARD ACCEPT [0:0]\n-A INPUT -j DROP\nCOMMIT\n",
       "line 3: a rule in the undeclared chain INPUT"},
      {"*filter\n*nat\n", "line 2: a table starts before COMMIT"},
      {"*filter\n:X - [0:0]\n", "line 2: table filter has no COMMIT"},
      {"*filter\n:X - [0:0]\n-A X -m comment --comment \"open\nCOMMIT\n",
       "line 3: an unterminated quote"},
      {"*filter\nrm -rf /\nCOMMIT\n", "line 2: not a table, chain, rule or COMMIT: rm -rf /"},
      {"*filter\n:X\nCOMMIT\n",
       "line 2: a chain must read :NAME POLICY [packets:bytes], POLICY ACCEPT, DROP or -"},
      // Found by the fuzzer (ruleset_fuzz): a quoted "policy" did not survive to_text.
      {"*filter\n:INPUt \"a \\\"quoted\\\" one\" -j RETURN\nCOMMIT\n",
       "line 2: a chain must read :NAME POLICY [packets:bytes], POLICY ACCEPT, DROP or -"},
      {"*filter\n:X QUEUE [0:0]\nCOMMIT\n",
       "line 2: a chain must read :NAME POLICY [packets:bytes], POLICY ACCEPT, DROP or -"},
      {"*filter\n:X - [0:x]\nCOMMIT\n",
       "line 2: a chain must read :NAME POLICY [packets:bytes], POLICY ACCEPT, DROP or -"},
  };
  for (const auto& [text, message] : cases) {
    const auto parsed = parse_ruleset(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error(), message);
  }
}

TEST(ParseRuleset, RoundTripsThroughText) {
  const auto first = parse(read_capture("docker-28.5.2.iptables-save"));
  const auto second = parse(to_text(first));
  EXPECT_EQ(lines_of(second), lines_of(first));
}

}  // namespace
}  // namespace dfg
