// `status` as the command runs it: facts gathered through the host's seams (a temporary
// root, a fake systemd, a fake runner), judged and rendered, text and JSON, whole.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "fake_runner.h"
#include "fake_systemd.h"
#include "subcommands.h"
#include "temp_root.h"
#include "test_host.h"

namespace dfg {
namespace {

/// A host with iptables.service enabled and running, docker.service running with the
/// generator's drop-in loaded, Docker 20.10 (no IPv6 rules) and its rules present.
struct StatusHost {
  test::TempRoot root;
  FakeRunner runner;
  FakeSystemd systemd;
  /// dockerd's answers: one container publishing one port, on the default bridge.
  std::map<std::string, Expected<std::string>> api{
      {"/containers/json",
       std::string(R"([{"Id": "c0ffee", "Names": ["/web"], "Ports": [{"IP": "0.0.0.0",
          "PrivatePort": 80, "PublicPort": 8080, "Type": "tcp"}], "NetworkSettings":
          {"Networks": {"bridge": {"IPAddress": "172.17.0.2", "GlobalIPv6Address": ""}}}}])")},
      {"/networks", std::string(R"([{"Name": "bridge", "Id": "b1", "Driver": "bridge", "Options":
          {"com.docker.network.bridge.name": "docker0"}, "IPAM": {"Config":
          [{"Subnet": "172.17.0.0/16"}]}}, {"Name": "host", "Id": "h1", "Driver": "host"}])")}};

  StatusHost() {
    root.mkdirs("/run/systemd/system");
    for (const char* unit : {"docker.service", "iptables.service", "nftables.service"})
      root.write(std::string("/usr/lib/systemd/system/") + unit, "[Unit]\n");
    root.link("/etc/systemd/system/multi-user.target.wants/iptables.service",
              "/usr/lib/systemd/system/iptables.service");
    root.write("/usr/bin/dockerd", "");
    // Docker's rules for what dockerd holds (api below).
    runner.results["iptables-save"] = exited(
        0,
        "*filter\n:FORWARD ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\nCOMMIT\n"
        "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
        "-A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER\n"
        "-A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE\n"
        "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination "
        "172.17.0.2:80\nCOMMIT\n");
    runner.results["/usr/bin/dockerd"] =
        exited(0, "Docker version 20.10.24+dfsg1, build 297e128\n");
    systemd.add("docker.service");
    auto& docker = systemd.units["docker.service"];
    docker.sub_state = "running";
    docker.drop_in_paths = {
        "/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf"};
    docker.requires_units = {"iptables.service", "docker.socket"};
    docker.after = {"network-online.target", "iptables.service"};
    systemd.add("iptables.service");
    systemd.add("nftables.service", "inactive");
  }

  std::pair<ExitStatus, std::string> status(bool json) {
    test::TestHost host(root.path(), runner, [this]() -> Expected<std::unique_ptr<Systemd>> {
      return std::unique_ptr<Systemd>(new ForwardingSystemd(systemd));
    });
    host.docker.answers = api;
    HostView view(host.host);
    const auto rc = run_status(view, json);
    EXPECT_EQ(host.err.str(), "");
    EXPECT_TRUE(host.journal.entries.empty()) << "status only looks";
    EXPECT_TRUE(systemd.calls.empty()) << "status changes nothing";
    return {rc, host.out.str()};
  }
};

TEST(StatusReport, TextOfAProtectedHost) {
  StatusHost h;
  const auto [rc, text] = h.status(false);
  EXPECT_EQ(rc, ExitStatus::Ok);
  EXPECT_EQ(text,
            "Protected: yes - docker.service restarts with iptables.service (strategy requires)\n"
            "Config: compiled-in defaults; strategy requires (default); no problems\n"
            "docker.service: active (running); drop-in loaded; Requires=iptables.service; "
            "After=iptables.service\n"
            "Firewalls: iptables.service active, bound; ip6tables.service inactive, not bound (not "
            "installed); nftables.service inactive, not bound (installed but not enabled); "
            "netfilter-persistent.service inactive, not bound (not installed); ferm.service "
            "inactive, not bound (not installed); ferm-early.service inactive, not bound (not "
            "installed);\n"
            "Docker's rules: present (IPv4 present; IPv6 not-managed: Docker's ip6tables is off)\n"
            "Docker: live-restore off; holds 1 container, 1 published port, 2 networks\n"
            "Advice: with strategy requires, stopping a firewall unit stops Docker too\n"
            "Advice: live-restore is off: each firewall restart restarts Docker and stops every "
            "container for about 10 s; set \"live-restore\": true in /etc/docker/daemon.json, or "
            "use strategy reconcile\n");
}

TEST(StatusReport, AnAliasIsNeverBoundAndSaysWhoseItIs) {
  // Debian: iptables-persistent's Alias= makes iptables.service a link to
  // netfilter-persistent.service, which is bound by its own name.
  StatusHost h;
  h.root.write("/lib/systemd/system/netfilter-persistent.service", "[Unit]\n");
  h.root.link("/etc/systemd/system/iptables.service",
              "/lib/systemd/system/netfilter-persistent.service");
  h.root.link("/etc/systemd/system/multi-user.target.wants/netfilter-persistent.service",
              "/lib/systemd/system/netfilter-persistent.service");
  h.systemd.add("netfilter-persistent.service");
  auto& docker = h.systemd.units["docker.service"];
  docker.requires_units = {"netfilter-persistent.service", "docker.socket"};
  docker.after = {"network-online.target", "netfilter-persistent.service"};
  const auto [rc, text] = h.status(false);
  EXPECT_EQ(rc, ExitStatus::Ok);
  EXPECT_THAT(text, ::testing::StartsWith("Protected: yes - docker.service restarts with "
                                          "netfilter-persistent.service (strategy requires)\n"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "\nFirewalls: iptables.service active, not bound (an alias of "
                        "netfilter-persistent.service); ip6tables.service inactive, not bound "
                        "(not installed); nftables.service inactive, not bound (installed but "
                        "not enabled); netfilter-persistent.service active, bound;"));
}

TEST(StatusReport, TextOfFlushedRulesAndAMissingDropIn) {
  StatusHost h;
  h.runner.results["iptables filter"] = exited(1);
  h.systemd.units["docker.service"].drop_in_paths.clear();
  const auto [rc, text] = h.status(false);
  EXPECT_EQ(rc, ExitStatus::Problem);
  EXPECT_THAT(text, ::testing::StartsWith("Protected: no - docker.service has not loaded the "
                                          "guard's drop-in: run systemctl daemon-reload\n"));
  EXPECT_THAT(text, ::testing::HasSubstr("docker.service: active (running); drop-in NOT loaded;"));
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "\nDocker's rules: flushed (IPv4 flushed: filter FORWARD -j DOCKER-USER: "
                        "missing; IPv6 not-managed: Docker's ip6tables is off)\n"));
  EXPECT_THAT(
      text, ::testing::HasSubstr("\nAdvice: Docker's rules are gone now: run docker-firewall-guard "
                                 "restart-docker\n"));
}

TEST(StatusReport, JsonOfAProtectedHost) {
  StatusHost h;
  h.root.write("/etc/docker/daemon.json", "{\"live-restore\": true}\n");
  const auto [rc, text] = h.status(true);
  EXPECT_EQ(rc, ExitStatus::Ok);
  const auto j = nlohmann::json::parse(text);
  const auto expected = nlohmann::json::parse(R"json({
    "protected": "yes",
    "reason": "docker.service restarts with iptables.service (strategy requires)",
    "config": {"files": [], "problems": [], "strategy": "requires",
               "services": ["docker.service"],
               "firewalls": ["iptables.service", "ip6tables.service", "nftables.service",
                             "netfilter-persistent.service", "ferm.service", "ferm-early.service"],
               "origin": {}},
    "systemd_error": null,
    "services": [{"name": "docker.service", "load_state": "loaded", "active_state": "active",
                  "sub_state": "running", "dropin_expected": true, "dropin_loaded": true,
                  "drop_in_paths": ["/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf"],
                  "bound_firewalls": ["iptables.service"],
                  "requires": ["iptables.service", "docker.socket"], "part_of": []}],
    "firewalls": [
      {"name": "iptables.service", "active_state": "active", "bound": true, "to_bind": true,
       "reason": "enabled, /usr/lib/systemd/system/iptables.service"},
      {"name": "ip6tables.service", "active_state": "inactive", "bound": false, "to_bind": false,
       "reason": "not installed"},
      {"name": "nftables.service", "active_state": "inactive", "bound": false, "to_bind": false,
       "reason": "installed but not enabled"},
      {"name": "netfilter-persistent.service", "active_state": "inactive", "bound": false,
       "to_bind": false, "reason": "not installed"},
      {"name": "ferm.service", "active_state": "inactive", "bound": false, "to_bind": false,
       "reason": "not installed"},
      {"name": "ferm-early.service", "active_state": "inactive", "bound": false,
       "to_bind": false, "reason": "not installed"}],
    "companions": {},
    "rules": {"state": "present",
              "families": [{"family": "IPv4", "state": "present", "detail": ""},
                           {"family": "IPv6", "state": "not-managed",
                            "detail": "Docker's ip6tables is off"}]},
    "docker": {"iptables": true, "ip6tables": null, "live_restore": true, "warning": "",
               "firewall_backend": "iptables",
               "api": {"containers": 1, "published_ports": 1, "networks": 2}},
    "advice": ["with strategy requires, stopping a firewall unit stops Docker too"]
  })json");
  EXPECT_EQ(j, expected) << j.dump(2);
}

TEST(StatusReport, OldCopiesOfDockersRulesReadAsStaleNotPresent) {
  // The firewall's saved file brought back both jumps and a DNAT of a container since
  // re-created elsewhere: the jumps alone would say "present".
  StatusHost h;
  h.api.at("/containers/json") = std::string(
      R"([{"Id": "c0ffee", "Names": ["/web"], "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80,
          "PublicPort": 8080, "Type": "tcp"}], "NetworkSettings": {"Networks": {"bridge":
          {"IPAddress": "172.17.0.3"}}}}])");
  const auto [rc, text] = h.status(false);
  EXPECT_EQ(rc, ExitStatus::Problem);
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "\nDocker's rules: flushed (IPv4 flushed: missing: nat DOCKER: tcp 8080 "
                        "to web (172.17.0.3:80) (and 1 more); "));
}

TEST(StatusReport, ADockerdThatDoesNotAnswerIsCannotTellNeverNothing) {
  StatusHost h;
  h.api.at("/containers/json") =
      fail("GET /containers/json on /run/docker.sock: Operation timed out after 5000 milliseconds");
  const auto [rc, text] = h.status(false);
  EXPECT_THAT(text, ::testing::HasSubstr(
                        "\nDocker: live-restore off; its API cannot tell: GET /containers/json on "
                        "/run/docker.sock: Operation timed out after 5000 milliseconds\n"));
  EXPECT_THAT(text,
              ::testing::HasSubstr(
                  "Docker's rules: present (IPv4 present, judged by its jumps: Docker's API "
                  "cannot tell (GET /containers/json on /run/docker.sock: Operation timed out "
                  "after 5000 milliseconds); "))
      << "a host whose dockerd does not answer reads as before, and says so";
  const auto j = nlohmann::json::parse(h.status(true).second);
  EXPECT_EQ(
      j["docker"]["api"]["error"],
      "GET /containers/json on /run/docker.sock: Operation timed out after 5000 milliseconds");
}

TEST(StatusReport, WithoutSystemdItCannotTellAndSaysWhy) {
  StatusHost h;
  test::TestHost host(h.root.path(), h.runner, []() -> Expected<std::unique_ptr<Systemd>> {
    return fail("connecting to the system bus: Connection refused");
  });
  HostView view(host.host);
  EXPECT_EQ(run_status(view, false), ExitStatus::Unknown);
  EXPECT_THAT(host.out.str(),
              ::testing::StartsWith("Protected: unknown - cannot ask systemd: connecting to the "
                                    "system bus: Connection refused\n"));
}

}  // namespace
}  // namespace dfg
