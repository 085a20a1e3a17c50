#include "view_rules.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "tables.h"

namespace dfg {
namespace {

/// "172.17.0.2" as iptables-save prints a host: "172.17.0.2/32" ("/128" for IPv6).
std::string as_host(const std::string& address) {
  return address + (family_of_address(address) == Family::IPv6 ? "/128" : "/32");
}

bool is_loopback(const std::string& host) {
  return host.rfind("127.", 0) == 0 || host == "::1/128";
}

/// A published port's host address in `family`: "" for all of them (0.0.0.0, ::), the
/// address otherwise; false when it is the other family's.
bool port_in_family(const PublishedPort& port, Family family, std::string& host) {
  if (family_of_address(port.host_ip) != family && !port.host_ip.empty()) return false;
  host = port.host_ip == "0.0.0.0" || port.host_ip == "::" || port.host_ip.empty()
             ? std::string()
             : as_host(port.host_ip);
  return true;
}

/// Chains whose rules are never judged: DOCKER-USER is the administrator's, DOCKER-INGRESS
/// swarm's (its DNATs lead to the ingress sandbox, which no container list shows).
bool judged(const Rule& rule) {
  return rule.chain != "DOCKER-USER" && rule.chain != "DOCKER-INGRESS";
}

/// What one family's rules may name of what dockerd holds.
struct Held {
  std::map<std::string, std::string> addresses;  ///< running containers' hosts, to their IDs
  std::set<std::string> published;               ///< host addresses ports are published on
  std::set<std::string> bridges, subnets;
  /// "PROTO PUBLIC HOST PRIVATE" of each published port's DNAT, "PROTO HOST PRIVATE" of its
  /// container's side.
  std::set<std::string> dnats, container_ports;

  Held(const DockerView& view, Family family) {
    for (const auto& n : view.networks) {
      if (!n.bridge.empty()) bridges.insert(n.bridge);
      for (const auto& subnet : n.subnets)
        if (family_of_address(subnet) == family) subnets.insert(subnet);
    }
    for (const auto& c : view.containers) {
      for (const auto& a : c.attachments) {
        const auto& address = a.address(family);
        if (!address.empty()) addresses.emplace(as_host(address), c.id);
      }
      for (const auto& p : c.ports) {
        std::string host;
        if (!port_in_family(p, family, host)) continue;
        if (!host.empty()) published.insert(host);
        for (const auto& a : c.attachments) {
          const auto& address = a.address(family);
          if (address.empty()) continue;
          const auto target = as_host(address) + " " + std::to_string(p.container_port);
          if (p.host_port != 0)
            dnats.insert(p.protocol + " " + std::to_string(p.host_port) + " " + target);
          container_ports.insert(p.protocol + " " + target);
        }
      }
    }
  }
};

/// What a rule names that dockerd may hold or have held.
struct Names {
  std::vector<std::string> interfaces, hosts, prefixes;
  std::vector<std::string> dnats;  ///< as Held::dnats

  explicit Names(const Rule& rule) {
    for (const char* option : {"-i", "-o"})
      for (auto& name : values_of(rule.words, option))
        if (name != "lo") interfaces.push_back(std::move(name));
    for (const char* option : {"-s", "-d"})
      for (auto& address : values_of(rule.words, option))
        (is_host_address(address) ? hosts : prefixes).push_back(std::move(address));
    const auto protocol = values_of(rule.words, "-p");
    const auto dport = values_of(rule.words, "--dport");
    for (const auto& destination : values_of(rule.words, "--to-destination")) {
      const auto host = dnat_host(destination);
      if (host.empty()) continue;
      hosts.push_back(host);
      const auto colon = destination.rfind(':');
      if (protocol.size() == 1 && dport.size() == 1 && colon != std::string::npos &&
          destination.back() != ']')
        dnats.push_back(protocol[0] + " " + dport[0] + " " + host + " " +
                        destination.substr(colon + 1));
    }
  }
};

std::string address_of(const std::string& host) { return host.substr(0, host.find('/')); }

/// "no container publishes tcp 8080 to 172.17.0.2:80" for Held::dnats' "tcp 8080
/// 172.17.0.2/32 80".
std::string unpublished(const std::string& dnat) {
  std::vector<std::string> w;
  for (std::size_t at = 0; at <= dnat.size();) {
    const auto end = std::min(dnat.find(' ', at), dnat.size());
    w.push_back(dnat.substr(at, end - at));
    at = end + 1;
  }
  if (w.size() != 4) return "no container publishes " + dnat;
  const auto address = address_of(w[2]);
  const bool v6 = family_of_address(address) == Family::IPv6;
  return "no container publishes " + w[0] + " " + w[1] + " to " +
         (v6 ? "[" + address + "]" : address) + ":" + w[3];
}

/// Why `rule` names what `then` held and `now` does not, or "".
/// Whether `name` is one Docker gives a bridge (docker0, "br-" and the network's ID): another
/// interface in Docker's rules (Docker 28's trusted host interfaces, a bridge the
/// administrator named) may be no network's at all, so it never makes a rule stale here.
bool named_as_dockers_bridge(const std::string& name) {
  return name.rfind("docker", 0) == 0 || name.rfind("br-", 0) == 0;
}

/// Why `rule` names what `now` does not hold, judged without knowing what was held before:
/// only what every rule of Docker's naming it must mean (a bridge, a container's address, a
/// DNAT's port), or "".
std::string why_stale(const Rule& rule, const Held& now) {
  const Names names(rule);
  for (const auto& name : names.interfaces)
    if (now.bridges.count(name) == 0 && named_as_dockers_bridge(name))
      return "no network has bridge " + name;
  for (const auto& host : names.hosts)
    if (now.addresses.count(host) == 0 && now.published.count(host) == 0 && !is_loopback(host))
      return "no running container has " + address_of(host);
  for (const auto& dnat : names.dnats)
    if (now.dnats.count(dnat) == 0) return unpublished(dnat);
  // A published port's ACCEPT names its container's address and port, and no source; its
  // hairpin MASQUERADE (Docker before 28) names the address as the source too; a link's
  // names both ends. The port must still be published there, or a container started since on
  // that address would inherit it.
  const auto protocol = values_of(rule.words, "-p");
  const auto dport = values_of(rule.words, "--dport");
  const auto destination = values_of(rule.words, "-d");
  if (protocol.size() != 1 || dport.size() != 1 || destination.size() != 1 || names.hosts.empty())
    return {};
  const auto& host = destination.front();
  for (const auto& source : values_of(rule.words, "-s"))
    if (source != host) return {};
  for (const auto& named : names.hosts)
    if (named != host) return {};
  if (now.addresses.count(host) != 0 &&
      now.container_ports.count(protocol[0] + " " + host + " " + dport[0]) == 0)
    return "no container publishes " + protocol[0] + " port " + dport[0] + " of " +
           address_of(host);
  return {};
}

/// Why `rule` names what `then` held and `now` does not, or "". A container's address that
/// `then` did not list but `now` does (one started between dockerd's answer and the rules'
/// reading, or another on its address since) is judged by what `now` holds (why_stale):
/// nothing tells which container the rule was written for.
std::string why_gone(const Rule& rule, const Held& then, const Held& now) {
  const Names names(rule);
  for (const auto& name : names.interfaces)
    if (then.bridges.count(name) != 0 && now.bridges.count(name) == 0)
      return "the network of bridge " + name + " is gone";
  bool new_since = false;
  for (const auto& host : names.hosts) {
    const auto was = then.addresses.find(host);
    const auto is = now.addresses.find(host);
    if (was == then.addresses.end()) {
      new_since = new_since || is != now.addresses.end();
      continue;
    }
    if (is == now.addresses.end()) return "no running container has " + address_of(host);
    if (is->second != was->second) return address_of(host) + " is another container's now";
  }
  for (const auto& prefix : names.prefixes)
    if (then.subnets.count(prefix) != 0 && now.subnets.count(prefix) == 0)
      return "no network has " + prefix;
  for (const auto& dnat : names.dnats)
    if (then.dnats.count(dnat) != 0 && now.dnats.count(dnat) == 0) return unpublished(dnat);
  return new_since ? why_stale(rule, now) : std::string();
}

bool has_value(const Rule& rule, const char* option, const std::string& value) {
  const auto values = values_of(rule.words, option);
  return std::find(values.begin(), values.end(), value) != values.end();
}

/// What the kept rules name, as looked up for what is missing: one pass over the rules.
struct Written {
  /// "PROTO DPORT [-d HOST] DESTINATION" per DNAT.
  std::set<std::string> dnats;
  /// "SUBNET BRIDGE" per MASQUERADE or SNAT of nat POSTROUTING.
  std::set<std::string> translated;
  std::set<std::string> interfaces;

  explicit Written(const Ruleset& rules) {
    for (const auto& table : rules.tables) {
      for (const auto& r : table.rules) {
        for (const char* option : {"-i", "-o"})
          for (auto& name : values_of(r.words, option)) interfaces.insert(std::move(name));
        if (table.name != "nat") continue;
        if (has_value(r, "-j", "DNAT")) {
          for (const auto& protocol : values_of(r.words, "-p"))
            for (const auto& dport : values_of(r.words, "--dport"))
              for (const auto& destination : values_of(r.words, "--to-destination")) {
                const auto prefix = protocol + " " + dport + " ";
                dnats.insert(prefix + destination);
                for (const auto& host : values_of(r.words, "-d"))
                  dnats.insert(prefix + "-d " + host + " " + destination);
              }
        } else if (r.chain == "POSTROUTING" &&
                   (has_value(r, "-j", "MASQUERADE") || has_value(r, "-j", "SNAT"))) {
          for (const auto& subnet : values_of(r.words, "-s"))
            for (const auto& bridge : values_of(r.words, "-o"))
              translated.insert(subnet + " " + bridge);
        }
      }
    }
  }
};

/// The line for each published port of `c` in `family` that `written` lacks the DNAT of.
void missing_ports(const ContainerView& c, const DockerView& view, Family family,
                   const Written& written, std::vector<std::string>& missing) {
  // The container's addresses on the networks Docker publishes from.
  std::vector<std::string> targets;
  for (const auto& a : c.attachments) {
    const auto* network = view.network(a.network);
    const auto& address = a.address(family);
    if (network != nullptr && network->maps_ports(family) && !address.empty())
      targets.push_back(address);
  }
  if (targets.empty()) return;
  for (const auto& p : c.ports) {
    std::string host;
    if (p.host_port == 0 || !port_in_family(p, family, host)) continue;
    const auto port = std::to_string(p.container_port);
    const auto prefix = p.protocol + " " + std::to_string(p.host_port) + " " +
                        (host.empty() ? std::string() : "-d " + host + " ");
    const bool found = std::any_of(targets.begin(), targets.end(), [&](const std::string& t) {
      return written.dnats.count(
                 prefix + (family == Family::IPv6 ? "[" + t + "]:" + port : t + ":" + port)) != 0;
    });
    if (!found)
      missing.push_back("nat DOCKER: " + p.protocol + " " + std::to_string(p.host_port) + " to " +
                        c.name + " (" + targets.front() + ":" + port + ")");
  }
}

/// The line for each subnet of `n` in `family` that `written` does not translate.
void missing_translation(const NetworkView& n, Family family, const Written& written,
                         std::vector<std::string>& missing) {
  if (!n.masquerades(family)) return;
  for (const auto& subnet : n.subnets) {
    if (family_of_address(subnet) != family) continue;
    if (written.translated.count(subnet + " " + n.bridge) == 0)
      missing.push_back("nat POSTROUTING: MASQUERADE of " + subnet + " (network " + n.name + ")");
  }
}

/// Whether `n` has a subnet in `family`.
bool in_family(const NetworkView& n, Family family) {
  return std::any_of(n.subnets.begin(), n.subnets.end(), [&](const std::string& subnet) {
    return family_of_address(subnet) == family;
  });
}

/// `saved` split by `why` (a reason to drop a rule, or ""): DOCKER-USER's and
/// DOCKER-INGRESS's rules are always kept.
FittedRules split(const Ruleset& saved, const std::function<std::string(const Rule&)>& why) {
  FittedRules fitted;
  for (const auto& table : saved.tables) {
    Table kept{table.name, table.chains, {}, table.others};
    Table dropped{table.name, table.chains, {}, {}};
    for (const auto& rule : table.rules) {
      const auto reason = judged(rule) ? why(rule) : std::string();
      if (reason.empty()) {
        kept.rules.push_back(rule);
      } else {
        fitted.comparison.stale.push_back(table.name + " -A " + rule.chain + " " + rule.spec +
                                          " (" + reason + ")");
        dropped.rules.push_back(rule);
      }
    }
    fitted.rules.tables.push_back(std::move(kept));
    if (!dropped.rules.empty()) fitted.dropped.tables.push_back(std::move(dropped));
  }
  return fitted;
}

bool holds_network(const DockerView& view, const std::string& id) {
  return std::any_of(view.networks.begin(), view.networks.end(),
                     [&](const NetworkView& n) { return n.id == id; });
}

}  // namespace

ViewComparison compare_to_view(const Ruleset& part, const DockerView& view, Family family) {
  return fit_to_view(part, view, family).comparison;
}

FittedRules fit_to_view(const Ruleset& saved, const DockerView& view, Family family) {
  const Held now(view, family);
  auto fitted = split(saved, [&](const Rule& rule) { return why_stale(rule, now); });
  const Written written(fitted.rules);
  for (const auto& c : view.containers)
    missing_ports(c, view, family, written, fitted.comparison.missing);
  for (const auto& n : view.networks)
    missing_translation(n, family, written, fitted.comparison.missing);
  return fitted;
}

FittedRules fit_to_change(const Ruleset& saved, const DockerView& then, const DockerView& now,
                          Family family) {
  const Held held_then(then, family), held_now(now, family);
  auto fitted = split(saved, [&](const Rule& rule) { return why_gone(rule, held_then, held_now); });
  // What is new since the snapshot is Docker's to write; what the snapshot holds of it
  // already (a container listed only once it ran) need not be.
  const Written written(fitted.rules);
  for (const auto& table : fitted.rules.tables) {
    for (const auto& rule : table.rules) {
      if (rule.chain == "DOCKER-USER") continue;
      for (const auto& host : Names(rule).hosts) {
        if (held_then.addresses.count(host) != 0 || held_now.addresses.count(host) != 0 ||
            held_then.published.count(host) != 0 || held_now.published.count(host) != 0 ||
            is_loopback(host))
          continue;
        fitted.unexplained.push_back(table.name + " -A " + rule.chain + " " + rule.spec +
                                     " (names " + address_of(host) + ")");
        break;
      }
    }
  }
  auto& missing = fitted.comparison.missing;
  // Every layout maps each published port with a DNAT: checked for every container, so a
  // race between the snapshot's answer and its rules never hides one.
  for (const auto& c : now.containers) missing_ports(c, now, family, written, missing);
  for (const auto& n : now.networks) {
    if (holds_network(then, n.id) || n.bridge.empty() || !in_family(n, family)) continue;
    if (written.interfaces.count(n.bridge) == 0)
      missing.push_back("rules of network " + n.name + " (bridge " + n.bridge + ")");
  }
  return fitted;
}

FittedRules hold_back_containers(const Ruleset& saved, const DockerView* then, Family family) {
  const auto held = then != nullptr ? Held(*then, family) : Held(DockerView{}, family);
  return split(saved, [&](const Rule& rule) -> std::string {
    for (const auto& host : Names(rule).hosts) {
      const bool container = then != nullptr
                                 ? held.addresses.count(host) != 0
                                 : !is_loopback(host) && held.published.count(host) == 0;
      if (container) return address_of(host) + " may be another container's now";
    }
    return {};
  });
}

CanaryResult judge_by_view(CanaryResult jumps, const Expected<DockerView>& view,
                           ProcessRunner& runner) {
  for (auto& family : jumps.families) {
    if (family.state != RulesState::Present) continue;
    if (!view) {
      family.detail = "judged by its jumps: Docker's API cannot tell (" + view.error() + ")";
      continue;
    }
    const auto live = save_tables(runner, family.family);
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
