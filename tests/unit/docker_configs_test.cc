// Docker as its users configure it (links with icc off, a chain of others in DOCKER-USER, a
// host_ipv4 network's SNAT, internal networks, userland-proxy off, IPv6, gateway modes, many
// containers): dockerd's answers and the rule sets of the same moment, recorded in the lab
// by tests/lab/record-docker-configs.sh (tests/data/docker-configs/docker-VERSION/CONFIG/).
// The oracle is the rule set: judged by what changed, a firewall's flush and the restore
// leave every chain as it was, with its policy, and a change drops only what it names.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "docker_view.h"
#include "iptables_restore_sim.h"
#include "ruleset.h"
#include "view_rules.h"

namespace dfg {
namespace {

using ::testing::IsEmpty;

struct Config {
  const char* version;
  const char* name;
};

std::ostream& operator<<(std::ostream& out, const Config& c) {
  return out << c.version << "/" << c.name;
}

std::string recorded(const Config& c, const std::string& file) {
  std::ifstream in(std::string(DFG_TEST_DATA_DIR) + "/docker-configs/docker-" + c.version + "/" +
                   c.name + "/" + file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_builtin(const Table& table, const std::string& chain) {
  return std::any_of(table.chains.begin(), table.chains.end(),
                     [&](const Chain& c) { return c.name == chain && c.builtin(); });
}

/// `all` as EL's iptables.service leaves it after a restart, stop and start, or reload with
/// its file: every user chain gone, the built-in chains' policies ACCEPT, and the firewall's
/// own rules (those that are not Docker's) back in their order.
Ruleset as_the_firewall_leaves_it(const Ruleset& all, const Ruleset& docker) {
  std::multiset<std::string> dockers;
  for (const auto& table : docker.tables)
    for (const auto& rule : table.rules)
      dockers.insert(table.name + " " + rule.chain + " " + rule.spec);
  Ruleset left;
  for (const auto& table : all.tables) {
    Table kept{table.name, {}, {}, {}};
    for (const auto& chain : table.chains)
      if (chain.builtin()) kept.chains.push_back({chain.name, "ACCEPT"});
    for (const auto& rule : table.rules) {
      const auto found = dockers.find(table.name + " " + rule.chain + " " + rule.spec);
      if (found != dockers.end()) {
        dockers.erase(found);
      } else if (is_builtin(table, rule.chain)) {
        kept.rules.push_back(rule);
      }
    }
    left.tables.push_back(std::move(kept));
  }
  return left;
}

/// What the owners of chains of others do once they start again: make their chains, and put
/// back their jumps from Docker's chains (at the top, as `iptables -I` does).
void owners_start_again(Ruleset& now, const Ruleset& all, const std::vector<RestoreScript>& done) {
  for (const auto& table : all.tables) {
    auto here = std::find_if(now.tables.begin(), now.tables.end(),
                             [&](const Table& t) { return t.name == table.name; });
    ASSERT_NE(here, now.tables.end());
    for (const auto& chain : table.chains) {
      if (chain.builtin() || is_docker_chain(chain.name)) continue;
      here->chains.push_back(chain);
      for (const auto& rule : table.rules)
        if (rule.chain == chain.name) here->rules.push_back(rule);
    }
  }
  for (const auto& script : done) {
    for (auto it = script.left_out.rbegin(); it != script.left_out.rend(); ++it) {
      // "TABLE -A CHAIN SPEC"
      const auto& line = *it;
      const auto table_name = line.substr(0, line.find(' '));
      const auto rest = line.substr(table_name.size() + 4);
      const auto chain = rest.substr(0, rest.find(' '));
      auto& table = *std::find_if(now.tables.begin(), now.tables.end(),
                                  [&](const Table& t) { return t.name == table_name; });
      const auto first = std::find_if(table.rules.begin(), table.rules.end(),
                                      [&](const Rule& r) { return r.chain == chain; });
      table.rules.insert(first, {chain, rest.substr(chain.size() + 1), {}, {}});
    }
  }
  now = parse_ruleset(to_text(now)).value();
}

class Configured : public ::testing::TestWithParam<Config> {
 protected:
  DockerView view() const {
    auto v = parse_docker_view(recorded(GetParam(), "containers.json"),
                               recorded(GetParam(), "networks.json"));
    EXPECT_TRUE(v.ok()) << v.error();
    return v.value_or(DockerView{});
  }
  /// The recorded families that hold rules of Docker's, with their whole listing.
  std::vector<std::pair<Family, Ruleset>> families() const {
    std::vector<std::pair<Family, Ruleset>> out;
    for (const auto& [family, file] :
         {std::pair{Family::IPv4, "iptables-save"}, std::pair{Family::IPv6, "ip6tables-save"}}) {
      auto all = parse_ruleset(recorded(GetParam(), file));
      EXPECT_TRUE(all.ok()) << file << ": " << all.error();
      if (all && !docker_part(all.value()).tables.empty())
        out.emplace_back(family, std::move(all).value());
    }
    return out;
  }
};

TEST_P(Configured, AHealthyHostIsJudgedHealthy) {
  const auto held = view();
  for (const auto& [family, all] : families()) {
    const auto comparison = compare_to_view(docker_part(all), held, family);
    EXPECT_THAT(comparison.missing, IsEmpty()) << family_name(family);
    EXPECT_THAT(comparison.stale, IsEmpty()) << family_name(family);
  }
}

TEST_P(Configured, AFlushAndTheRestoreLeaveEveryRuleAndPolicyAsItWas) {
  const auto held = view();
  for (const auto& [family, all] : families()) {
    const auto saved = docker_part(all);
    const auto fitted = fit_to_change(saved, held, held, family);
    EXPECT_THAT(fitted.comparison.stale, IsEmpty()) << family_name(family) << ": nothing changed";
    EXPECT_THAT(fitted.comparison.missing, IsEmpty()) << family_name(family);
    auto now = as_the_firewall_leaves_it(all, saved);
    const auto scripts = plan_restore(fitted.rules, now);
    for (const auto& script : scripts) test::apply(now, script);
    owners_start_again(now, all, scripts);
    EXPECT_EQ(test::by_chain(now), test::by_chain(all)) << family_name(family);
    EXPECT_EQ(test::policies(now), test::policies(all)) << family_name(family);
    // Once back, the restore finds it all in place: a second one writes nothing.
    for (const auto& script : plan_restore(fitted.rules, now))
      EXPECT_TRUE(script.in_place) << family_name(family) << " " << script.table << ":\n"
                                   << script.text;
  }
}

TEST_P(Configured, AContainerGoneTakesItsRulesAndNoOthers) {
  const auto then = view();
  for (const auto& gone : then.containers) {
    auto now = then;
    now.containers.erase(std::find_if(now.containers.begin(), now.containers.end(),
                                      [&](const ContainerView& c) { return c.id == gone.id; }));
    for (const auto& [family, all] : families()) {
      std::vector<std::string> hosts;  // its addresses as rules name them
      for (const auto& a : gone.attachments) {
        const auto& address = a.address(family);
        if (!address.empty()) hosts.push_back(address);
      }
      const auto fitted = fit_to_change(docker_part(all), then, now, family);
      auto names_it = [&](const Rule& rule) {
        return std::any_of(hosts.begin(), hosts.end(), [&](const std::string& h) {
          return (" " + rule.spec + " ").find(" " + h + "/") != std::string::npos ||
                 rule.spec.find(" " + h + ":") != std::string::npos ||
                 rule.spec.find("[" + h + "]") != std::string::npos;
        });
      };
      for (const auto& table : fitted.dropped.tables)
        for (const auto& rule : table.rules)
          EXPECT_TRUE(names_it(rule)) << gone.name << " gone, " << family_name(family) << " "
                                      << table.name << " -A " << rule.chain << " " << rule.spec;
      for (const auto& table : fitted.rules.tables)
        for (const auto& rule : table.rules)
          EXPECT_FALSE(names_it(rule) && rule.chain != "DOCKER-USER")
              << gone.name << " gone, kept: " << family_name(family) << " " << table.name << " -A "
              << rule.chain << " " << rule.spec;
      EXPECT_THAT(fitted.comparison.missing, IsEmpty());
    }
  }
}

TEST_P(Configured, ANetworkGoneTakesTheRulesOfItsBridge) {
  const auto then = view();
  for (const auto& network : then.networks) {
    if (network.bridge.empty() || network.name == "bridge") continue;
    auto now = then;
    now.networks.erase(std::find_if(now.networks.begin(), now.networks.end(),
                                    [&](const NetworkView& n) { return n.id == network.id; }));
    // Its containers went with it (a network in use cannot be removed).
    now.containers.erase(
        std::remove_if(now.containers.begin(), now.containers.end(),
                       [&](const ContainerView& c) {
                         return std::any_of(
                             c.attachments.begin(), c.attachments.end(),
                             [&](const Attachment& a) { return a.network == network.name; });
                       }),
        now.containers.end());
    for (const auto& [family, all] : families()) {
      const auto fitted = fit_to_change(docker_part(all), then, now, family);
      for (const auto& table : fitted.rules.tables)
        for (const auto& rule : table.rules)
          EXPECT_EQ(rule.spec.find(network.bridge), std::string::npos)
              << network.name << " gone, kept: " << family_name(family) << " " << table.name
              << " -A " << rule.chain << " " << rule.spec;
    }
  }
}

TEST(FitToChange, ARuleOfAContainerNewToTheAnswerIsJudgedByWhatDockerdHoldsNow) {
  // dockerd listed no container when the snapshot was taken; the rules read just after name
  // 172.17.0.3 (a container started in between). Now "other" holds 172.17.0.3 and publishes
  // nothing: the saved DNAT would lead 5432 to it.
  const auto saved = docker_part(
      parse_ruleset(
          "*nat\n:PREROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
          "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
          "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 5432 -j DNAT --to-destination "
          "172.17.0.3:5432\nCOMMIT\n*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER - [0:0]\n"
          "-A FORWARD -o docker0 -j DOCKER\n-A DOCKER -d 172.17.0.3/32 ! -i docker0 -o docker0 "
          "-p tcp -m tcp --dport 5432 -j ACCEPT\nCOMMIT\n")
          .value());
  const std::string bridge =
      "network n1 bridge bridge docker0 external masquerade nat nat 172.17.0.0/16";
  const auto then = parse_view({bridge}).value();
  auto now = parse_view({bridge, "container c2 other", "attachment bridge 172.17.0.3 -"}).value();
  auto text = to_text(fit_to_change(saved, then, now, Family::IPv4).rules);
  EXPECT_EQ(text.find("172.17.0.3"), std::string::npos) << text;
  // The container that was starting, with its port: its rules stay.
  now = parse_view({bridge, "container c2 db", "attachment bridge 172.17.0.3 -",
                    "port tcp 0.0.0.0 5432 5432"})
            .value();
  text = to_text(fit_to_change(saved, then, now, Family::IPv4).rules);
  EXPECT_NE(text.find("--to-destination 172.17.0.3:5432"), std::string::npos) << text;
  EXPECT_NE(text.find("-d 172.17.0.3/32"), std::string::npos) << text;
}

TEST(FitToChange, ASwarmsRoutingMeshIsKeptAsSavedAndSaid) {
  // A one-node swarm publishing 8080 (docker service create -p 8080:80), as moby documents
  // its rules (integration/network/bridge/iptablesdoc/generated/swarm-portmap.md); the lab's
  // kernel has no IPVS, so no swarm's rules could be recorded. DOCKER-INGRESS DNATs to the
  // ingress sandbox (172.18.0.2), which no container list shows.
  const auto all =
      parse_ruleset(
          "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          ":DOCKER - [0:0]\n:DOCKER-FORWARD - [0:0]\n:DOCKER-INGRESS - [0:0]\n"
          ":DOCKER-ISOLATION-STAGE-1 - [0:0]\n:DOCKER-ISOLATION-STAGE-2 - [0:0]\n"
          ":DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-INGRESS\n"
          "-A FORWARD -j DOCKER-FORWARD\n-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
          "-A DOCKER ! -i docker0 -o docker0 -j DROP\n"
          "-A DOCKER ! -i docker_gwbridge -o docker_gwbridge -j DROP\n"
          "-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1\n-A DOCKER-FORWARD -i docker0 -j ACCEPT\n"
          "-A DOCKER-FORWARD -i docker_gwbridge -o docker_gwbridge -j DROP\n"
          "-A DOCKER-FORWARD -i docker_gwbridge ! -o docker_gwbridge -j ACCEPT\n"
          "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j ACCEPT\n"
          "-A DOCKER-INGRESS -p tcp -m tcp --sport 8080 -m conntrack --ctstate "
          "RELATED,ESTABLISHED -j ACCEPT\n-A DOCKER-INGRESS -j RETURN\n"
          "-A DOCKER-ISOLATION-STAGE-1 -i docker0 ! -o docker0 -j DOCKER-ISOLATION-STAGE-2\n"
          "-A DOCKER-ISOLATION-STAGE-1 -i docker_gwbridge ! -o docker_gwbridge -j "
          "DOCKER-ISOLATION-STAGE-2\n-A DOCKER-ISOLATION-STAGE-2 -o docker_gwbridge -j DROP\n"
          "-A DOCKER-ISOLATION-STAGE-2 -o docker0 -j DROP\n-A DOCKER-USER -j RETURN\nCOMMIT\n"
          "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
          ":POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n:DOCKER-INGRESS - [0:0]\n"
          "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n"
          "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
          "-A OUTPUT -m addrtype --dst-type LOCAL -j DOCKER-INGRESS\n"
          "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n"
          "-A POSTROUTING -o docker_gwbridge -m addrtype --src-type LOCAL -j MASQUERADE\n"
          "-A POSTROUTING -s 172.18.0.0/16 ! -o docker_gwbridge -j MASQUERADE\n"
          "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n"
          "-A DOCKER -i docker_gwbridge -j RETURN\n-A DOCKER -i docker0 -j RETURN\n"
          "-A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT --to-destination "
          "172.18.0.2:8080\n-A DOCKER-INGRESS -j RETURN\nCOMMIT\n")
          .value();
  // The service's task: on the ingress overlay and on docker_gwbridge; its port is the
  // service's, published through the mesh, not the container's.
  const auto view =
      parse_view({"network b0 bridge bridge docker0 external masquerade nat nat 172.17.0.0/16",
                  "network g0 docker_gwbridge bridge docker_gwbridge external masquerade nat nat "
                  "172.18.0.0/16",
                  "network i0 ingress overlay - internal masquerade nat nat 10.0.0.0/24",
                  "container t1 svc.1.abc", "attachment ingress 10.0.0.5 -",
                  "attachment docker_gwbridge 172.18.0.3 -"})
          .value();
  const auto saved = docker_part(all);
  const auto judged = compare_to_view(saved, view, Family::IPv4);
  EXPECT_THAT(judged.missing, IsEmpty()) << "check: a healthy host";
  EXPECT_THAT(judged.stale, IsEmpty());
  const auto fitted = fit_to_change(saved, view, view, Family::IPv4);
  EXPECT_THAT(fitted.comparison.stale, IsEmpty());
  EXPECT_THAT(fitted.unexplained,
              ::testing::ElementsAre("nat -A DOCKER-INGRESS -p tcp -m tcp --dport 8080 -j DNAT "
                                     "--to-destination 172.18.0.2:8080 (names 172.18.0.2)"));
  auto now = as_the_firewall_leaves_it(all, saved);
  for (const auto& script : plan_restore(fitted.rules, now)) test::apply(now, script);
  EXPECT_EQ(test::by_chain(now), test::by_chain(all));
  // A task gone (the service scaled to 0): the mesh's rules stay, the sandbox is swarm's.
  auto scaled = view;
  scaled.containers.clear();
  EXPECT_THAT(to_text(fit_to_change(saved, view, scaled, Family::IPv4).rules),
              ::testing::HasSubstr("--to-destination 172.18.0.2:8080"));
}

INSTANTIATE_TEST_SUITE_P(
    Recorded, Configured,
    ::testing::Values(Config{"28.5.2", "icc-links"}, Config{"28.5.2", "foreign-chain"},
                      Config{"28.5.2", "host-ipv4"}, Config{"28.5.2", "internal"},
                      Config{"28.5.2", "userland-proxy-off"}, Config{"28.5.2", "ipv6"},
                      Config{"28.5.2", "gateway-modes"}, Config{"28.5.2", "many"},
                      Config{"26.1.5", "icc-links"}, Config{"26.1.5", "foreign-chain"},
                      Config{"26.1.5", "host-ipv4"}, Config{"26.1.5", "internal"},
                      Config{"26.1.5", "userland-proxy-off"}, Config{"26.1.5", "ipv6"},
                      Config{"26.1.5", "many"}, Config{"20.10.24", "icc-links"},
                      Config{"20.10.24", "foreign-chain"}, Config{"20.10.24", "host-ipv4"},
                      Config{"20.10.24", "internal"}, Config{"20.10.24", "userland-proxy-off"},
                      Config{"20.10.24", "ipv6"}, Config{"20.10.24", "many"}),
    [](const ::testing::TestParamInfo<Config>& param) {
      std::string name = std::string("docker_") + param.param.version + "_" + param.param.name;
      std::replace_if(
          name.begin(), name.end(),
          [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
      return name;
    });

}  // namespace
}  // namespace dfg
