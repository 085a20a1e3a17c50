// What the restore computes, at a host's scale: Docker 28's layout for C containers with P
// published ports in all on N networks, as iptables-save and the Engine API give it, through
// each of the restore's steps in this process (no iptables, no dockerd: those are the lab's,
// bench/scale.sh). Prints one line per step: the median time of RUNS runs, and the count of
// the step's input. bench/restore-scale.sh runs it at two scales, under callgrind too.
//   dfg_restore_scale CONTAINERS PORTS NETWORKS [RUNS] [STEP]
// STEP (default all) runs that step alone, once, for callgrind.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "docker_view.h"
#include "ruleset.h"
#include "snapshot_file.h"
#include "view_rules.h"

namespace {

using namespace dfg;

struct Scale {
  int containers, ports, networks;
};

std::string bridge(int n) {
  char name[32];
  std::snprintf(name, sizeof name, "br-%012x", n + 1);
  return name;
}
std::string subnet(int n) { return "10." + std::to_string(n + 1) + ".0.0/16"; }
std::string address(int c, const Scale& s) {
  const int n = c % s.networks, k = c / s.networks + 2;
  return "10." + std::to_string(n + 1) + "." + std::to_string(k / 256) + "." +
         std::to_string(k % 256);
}
int ports_of(int c, const Scale& s) {
  return s.ports / s.containers + (c < s.ports % s.containers ? 1 : 0);
}

/// The whole iptables-save of such a host under EL's stock file, as Docker 28 writes it.
std::string listing(const Scale& s) {
  std::string raw = "*raw\n:PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n";
  std::string filter =
      "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
      ":DOCKER - [0:0]\n:DOCKER-BRIDGE - [0:0]\n:DOCKER-CT - [0:0]\n:DOCKER-FORWARD - [0:0]\n"
      ":DOCKER-ISOLATION-STAGE-1 - [0:0]\n:DOCKER-ISOLATION-STAGE-2 - [0:0]\n"
      ":DOCKER-USER - [0:0]\n-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
      "-A FORWARD -j DOCKER-USER\n-A FORWARD -j DOCKER-FORWARD\n"
      "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\n"
      "-A DOCKER-FORWARD -j DOCKER-CT\n-A DOCKER-FORWARD -j DOCKER-ISOLATION-STAGE-1\n"
      "-A DOCKER-FORWARD -j DOCKER-BRIDGE\n";
  std::string nat =
      "*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
      ":POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
      "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
      "-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER\n";
  for (int n = 0; n < s.networks; ++n) {
    const auto b = bridge(n);
    filter += "-A DOCKER ! -i " + b + " -o " + b + " -j DROP\n-A DOCKER-BRIDGE -o " + b +
              " -j DOCKER\n-A DOCKER-CT -o " + b +
              " -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n-A DOCKER-FORWARD -i " + b +
              " -j ACCEPT\n-A DOCKER-ISOLATION-STAGE-1 -i " + b + " ! -o " + b +
              " -j DOCKER-ISOLATION-STAGE-2\n-A DOCKER-ISOLATION-STAGE-2 -o " + b + " -j DROP\n";
    nat += "-A POSTROUTING -s " + subnet(n) + " ! -o " + b + " -j MASQUERADE\n-A DOCKER -i " + b +
           " -j RETURN\n";
  }
  for (int c = 0, port = 20000; c < s.containers; ++c) {
    const auto a = address(c, s);
    const auto b = bridge(c % s.networks);
    if (ports_of(c, s) > 0) raw += "-A PREROUTING -d " + a + "/32 ! -i " + b + " -j DROP\n";
    for (int p = 0; p < ports_of(c, s); ++p, ++port) {
      const auto inner = std::to_string(80 + p);
      filter += "-A DOCKER -d " + a + "/32 ! -i " + b + " -o " + b + " -p tcp -m tcp --dport " +
                inner + " -j ACCEPT\n";
      nat += "-A DOCKER ! -i " + b + " -p tcp -m tcp --dport " + std::to_string(port) +
             " -j DNAT --to-destination " + a + ":" + inner + "\n";
    }
  }
  return raw + "COMMIT\n" + filter + "COMMIT\n" + nat + "COMMIT\n";
}

/// GET /containers/json and GET /networks of the same host.
std::pair<std::string, std::string> answers(const Scale& s) {
  std::string containers = "[", networks = "[";
  for (int n = 0; n < s.networks; ++n)
    networks += std::string(n == 0 ? "" : ",") + R"({"Id": ")" + bridge(n).substr(3) +
                R"(0000", "Name": "net)" + std::to_string(n) +
                R"(", "Driver": "bridge", "Options": {}, "IPAM": {"Config": [{"Subnet": ")" +
                subnet(n) + R"("}]}})";
  for (int c = 0, port = 20000; c < s.containers; ++c) {
    std::string ports;
    for (int p = 0; p < ports_of(c, s); ++p, ++port)
      ports += std::string(p == 0 ? "" : ",") + R"({"IP": "0.0.0.0", "PrivatePort": )" +
               std::to_string(80 + p) + R"(, "PublicPort": )" + std::to_string(port) +
               R"(, "Type": "tcp"})";
    containers += std::string(c == 0 ? "" : ",") + R"({"Id": "c)" + std::to_string(c) +
                  R"(", "Names": ["/c)" + std::to_string(c) + R"("], "Ports": [)" + ports +
                  R"(], "NetworkSettings": {"Networks": {"net)" + std::to_string(c % s.networks) +
                  R"(": {"IPAddress": ")" + address(c, s) + R"("}}}})";
  }
  return {containers + "]", networks + "]"};
}

const char* const firewall_only =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    "-A INPUT -j REJECT --reject-with icmp-host-prohibited\n"
    "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s CONTAINERS PORTS NETWORKS [RUNS] [STEP]\n", argv[0]);
    return 64;
  }
  const Scale s{std::stoi(argv[1]), std::stoi(argv[2]), std::stoi(argv[3])};
  const int runs = argc > 4 ? std::stoi(argv[4]) : 21;
  const std::string only = argc > 5 ? argv[5] : "";

  // The inputs, made once: what the snapshot and the restore read.
  const auto all = listing(s);
  const auto [containers_json, networks_json] = answers(s);
  const auto view = parse_docker_view(containers_json, networks_json).value();
  Snapshot snapshot{"iptables.service", 4242, 5000, 1, render_view(view), {}};
  snapshot.families.emplace_back(Family::IPv4, docker_part(parse_ruleset(all).value()));
  const auto snapshot_text = render_snapshot(snapshot);
  const auto now = parse_ruleset(firewall_only).value();
  const auto saved = parse_snapshot(snapshot_text).value();
  const auto then = parse_view(saved.held).value();
  const auto fitted = fit_to_change(saved.families[0].second, then, view, Family::IPv4);
  std::size_t sink = 0;  // keeps each step's result alive

  // The restore's own steps, in its order: read the snapshot, ask dockerd (its answer
  // parsed), fit, read the tables now, plan; then the canary's judgement of the rules put back.
  const std::vector<std::pair<const char*, std::function<void()>>> steps = {
      {"snapshot-read", [&] { sink += parse_snapshot(snapshot_text).value().held.size(); }},
      {"answer-read",
       [&] {
         sink += parse_docker_view(containers_json, networks_json).value().containers.size();
       }},
      {"held-read", [&] { sink += parse_view(saved.held).value().containers.size(); }},
      {"fit",
       [&] {
         sink +=
             fit_to_change(saved.families[0].second, then, view, Family::IPv4).rules.tables.size();
       }},
      {"tables-read", [&] { sink += parse_ruleset(firewall_only).value().tables.size(); }},
      {"plan", [&] { sink += plan_restore(fitted.rules, now).size(); }},
      {"judge",
       [&] {
         sink += compare_to_view(docker_part(parse_ruleset(all).value()), view, Family::IPv4)
                     .missing.size();
       }},
      {"snapshot-take",
       [&] {
         sink += render_snapshot({"iptables.service",
                                  4242,
                                  5000,
                                  1,
                                  render_view(view),
                                  {{Family::IPv4, docker_part(parse_ruleset(all).value())}}})
                     .size();
       }},
  };
  std::size_t rules = 0;
  for (const auto& table : snapshot.families[0].second.tables) rules += table.rules.size();
  if (only.empty())
    std::printf("scale %d containers, %d published ports, %d networks: %zu rules of Docker's\n",
                s.containers, s.ports, s.networks, rules);
  for (const auto& [name, step] : steps) {
    if (!only.empty()) {
      if (only == name) step();
      continue;
    }
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
      const auto start = std::chrono::steady_clock::now();
      step();
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count());
    }
    std::sort(ms.begin(), ms.end());
    std::printf("%-14s %9.3f ms\n", name, ms[ms.size() / 2]);
  }
  return sink == 0 ? 1 : 0;
}
