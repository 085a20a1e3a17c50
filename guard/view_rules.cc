#include "view_rules.h"

#include <algorithm>
#include <set>

#include "snapshot.h"

namespace dfg {
namespace {

bool is_ipv6(const std::string& family) { return family == "IPv6"; }

/// "172.17.0.2" as iptables-save prints a host: "172.17.0.2/32" ("/128" for IPv6).
std::string as_host(const std::string& address) {
  return address + (address.find(':') != std::string::npos ? "/128" : "/32");
}

bool is_loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1/128";
}

/// A published port's host address in `family`: "" for all of them (0.0.0.0, ::), the
/// address otherwise; false when it is the other family's.
bool port_in_family(const PublishedPort& port, const std::string& family, std::string& host) {
  const bool v6 = port.host_ip.find(':') != std::string::npos;
  if (v6 != is_ipv6(family) && !port.host_ip.empty()) return false;
  host = port.host_ip == "0.0.0.0" || port.host_ip == "::" || port.host_ip.empty()
             ? std::string()
             : as_host(port.host_ip);
  return true;
}

/// What the view holds that rules may name.
struct Held {
  std::set<std::string> addresses;  ///< running containers' addresses, as hosts
  std::set<std::string> published;  ///< host addresses ports are published on
  std::set<std::string> bridges;
  /// "PROTO PUBLIC HOST PRIVATE" of each published port's DNAT, "PROTO HOST PRIVATE" of the
  /// container side (filter DOCKER's ACCEPT, the hairpin MASQUERADE).
  std::set<std::string> dnats, container_ports;

  Held(const DockerView& view, const std::string& family) {
    for (const auto& n : view.networks)
      if (!n.bridge.empty()) bridges.insert(n.bridge);
    for (const auto& c : view.containers) {
      for (const auto& a : c.attachments) {
        const auto& address = is_ipv6(family) ? a.ipv6 : a.ipv4;
        if (!address.empty()) addresses.insert(as_host(address));
      }
      for (const auto& p : c.ports) {
        std::string host;
        if (!port_in_family(p, family, host)) continue;
        if (!host.empty()) published.insert(host);
        for (const auto& a : c.attachments) {
          const auto& address = is_ipv6(family) ? a.ipv6 : a.ipv4;
          if (address.empty()) continue;
          const auto target = as_host(address) + " " + std::to_string(p.container_port);
          dnats.insert(p.protocol + " " + std::to_string(p.host_port) + " " + target);
          container_ports.insert(p.protocol + " " + target);
        }
      }
    }
  }

  /// Why `rule` is of a container or network dockerd no longer holds, or "".
  std::string why_stale(const Rule& rule) const {
    for (const char* option : {"-i", "-o"})
      for (const auto& name : values_of(rule.words, option))
        if (name != "lo" && bridges.count(name) == 0) return "no network has bridge " + name;
    std::vector<std::string> hosts;
    for (const char* option : {"-s", "-d"})
      for (auto& address : values_of(rule.words, option))
        if (is_host_address(address)) hosts.push_back(address);
    for (const auto& destination : values_of(rule.words, "--to-destination"))
      if (auto host = dnat_host(destination); !host.empty()) hosts.push_back(host);
    for (const auto& host : hosts) {
      if (addresses.count(host) == 0 && published.count(host) == 0 && !is_loopback(host))
        return "no running container has " + host.substr(0, host.find('/'));
    }
    // A rule of one published port: the port must still be published to that address (a
    // container removed and another started on its address must not inherit its ports).
    const auto protocol = values_of(rule.words, "-p");
    const auto dport = values_of(rule.words, "--dport");
    if (protocol.size() != 1 || dport.size() != 1) return {};
    for (const auto& destination : values_of(rule.words, "--to-destination")) {
      const auto host = dnat_host(destination);
      const auto colon = destination.rfind(':');
      if (host.empty() || colon == std::string::npos || destination.back() == ']') continue;
      const auto key =
          protocol[0] + " " + dport[0] + " " + host + " " + destination.substr(colon + 1);
      if (dnats.count(key) == 0)
        return "no container publishes " + protocol[0] + " " + dport[0] + " to " + destination;
      return {};
    }
    for (auto& address : values_of(rule.words, "-d")) {
      if (addresses.count(address) == 0) continue;
      if (container_ports.count(protocol[0] + " " + address + " " + dport[0]) == 0)
        return "no container publishes " + protocol[0] + " port " + dport[0] + " of " +
               address.substr(0, address.find('/'));
    }
    return {};
  }
};

bool has_value(const Rule& rule, const char* option, const std::string& value) {
  const auto values = values_of(rule.words, option);
  return std::find(values.begin(), values.end(), value) != values.end();
}

/// The lines for what `view` holds that `rules` lack.
std::vector<std::string> missing_from(const Ruleset& rules, const DockerView& view,
                                      const std::string& family) {
  std::vector<std::string> missing;
  // What nat holds, as keys looked up below: one pass over the rules, however many ports.
  // "PROTO DPORT [-d HOST] DESTINATION" per DNAT of DOCKER, "SUBNET BRIDGE" per MASQUERADE.
  std::set<std::string> dnats, masquerades;
  if (const Table* nat = find_table(rules, "nat")) {
    for (const auto& r : nat->rules) {
      if (r.chain == "DOCKER" && has_value(r, "-j", "DNAT")) {
        for (const auto& protocol : values_of(r.words, "-p"))
          for (const auto& dport : values_of(r.words, "--dport"))
            for (const auto& destination : values_of(r.words, "--to-destination")) {
              const auto prefix = protocol + " " + dport + " ";
              dnats.insert(prefix + destination);
              for (const auto& host : values_of(r.words, "-d"))
                dnats.insert(prefix + "-d " + host + " " + destination);
            }
      } else if (r.chain == "POSTROUTING" && has_value(r, "-j", "MASQUERADE")) {
        for (const auto& subnet : values_of(r.words, "-s"))
          for (const auto& bridge : values_of(r.words, "-o"))
            masquerades.insert(subnet + " " + bridge);
      }
    }
  }
  for (const auto& c : view.containers) {
    // The container's addresses on the networks Docker publishes from.
    std::vector<std::string> targets;
    for (const auto& a : c.attachments) {
      const auto* network = view.network(a.network);
      const auto& address = is_ipv6(family) ? a.ipv6 : a.ipv4;
      if (network != nullptr && network->maps_ports(is_ipv6(family)) && !address.empty())
        targets.push_back(address);
    }
    if (targets.empty()) continue;
    for (const auto& p : c.ports) {
      std::string host;
      if (!port_in_family(p, family, host)) continue;
      const auto port = std::to_string(p.container_port);
      const auto prefix = p.protocol + " " + std::to_string(p.host_port) + " " +
                          (host.empty() ? std::string() : "-d " + host + " ");
      const bool found = std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
        return dnats.count(prefix + (is_ipv6(family) ? "[" + t + "]:" + port : t + ":" + port)) !=
               0;
      });
      if (!found) {
        missing.push_back("nat DOCKER: " + p.protocol + " " + std::to_string(p.host_port) + " to " +
                          c.name + " (" + targets.front() + ":" + port + ")");
      }
    }
  }
  for (const auto& n : view.networks) {
    if (!n.masquerades(is_ipv6(family))) continue;
    for (const auto& subnet : n.subnets) {
      if ((subnet.find(':') != std::string::npos) != is_ipv6(family)) continue;
      if (masquerades.count(subnet + " " + n.bridge) == 0)
        missing.push_back("nat POSTROUTING: MASQUERADE of " + subnet + " (network " + n.name + ")");
    }
  }
  return missing;
}

}  // namespace

ViewComparison compare_to_view(const Ruleset& part, const DockerView& view,
                               const std::string& family) {
  // What fitting would drop is what is stale; a stale rule never meets an expectation, so
  // what the fitted rules lack is what `part` lacks.
  return fit_to_view(part, view, family).comparison;
}

FittedRules fit_to_view(const Ruleset& saved, const DockerView& view, const std::string& family) {
  FittedRules fitted;
  const Held held(view, family);
  for (const auto& table : saved.tables) {
    Table kept{table.name, table.chains, {}}, dropped{table.name, table.chains, {}};
    for (const auto& rule : table.rules) {
      const auto why = rule.chain == "DOCKER-USER" ? std::string() : held.why_stale(rule);
      if (why.empty()) {
        kept.rules.push_back(rule);
      } else {
        fitted.comparison.stale.push_back(table.name + " -A " + rule.chain + " " + rule.spec +
                                          " (" + why + ")");
        dropped.rules.push_back(rule);
      }
    }
    fitted.rules.tables.push_back(std::move(kept));
    if (!dropped.rules.empty()) fitted.dropped.tables.push_back(std::move(dropped));
  }
  fitted.comparison.missing = missing_from(fitted.rules, view, family);
  return fitted;
}

CanaryResult judge_by_view(CanaryResult jumps, const Expected<DockerView>& view,
                           ProcessRunner& runner) {
  for (auto& family : jumps.families) {
    if (family.state != RulesState::Present) continue;
    if (!view) {
      family.detail = "judged by its jumps: Docker's API cannot tell (" + view.error() + ")";
      continue;
    }
    const auto live = save_family(runner, family.family);
    if (!live) {
      family = {family.family, RulesState::Unknown, live.error()};
      continue;
    }
    const auto comparison = compare_to_view(docker_part(live.value()), view.value(), family.family);
    if (comparison.matches()) continue;
    const auto& first =
        comparison.missing.empty() ? comparison.stale.front() : comparison.missing.front();
    const auto count = comparison.missing.size() + comparison.stale.size();
    family = {family.family, RulesState::Flushed,
              (comparison.missing.empty() ? "stale: " : "missing: ") + first +
                  (count > 1 ? " (and " + std::to_string(count - 1) + " more)" : "")};
  }
  return jumps;
}

CanaryResult judge_settled(const CanaryResult& jumps,
                           const std::function<Expected<DockerView>()>& ask, ProcessRunner& runner,
                           Clock& clock, std::chrono::milliseconds settle) {
  const auto deadline = clock.now() + settle;
  for (;;) {
    auto judged = judge_by_view(jumps, ask(), runner);
    bool disagrees = false;
    for (std::size_t i = 0; i < judged.families.size(); ++i)
      disagrees = disagrees || (jumps.families[i].state == RulesState::Present &&
                                judged.families[i].state == RulesState::Flushed);
    if (!disagrees || clock.now() >= deadline) return judged;
    clock.sleep_for(view_recheck);
  }
}

}  // namespace dfg
