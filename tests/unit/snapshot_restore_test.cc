#include "event_preconditions.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "fake_runner.h"
#include "fake_systemd.h"
#include "fs.h"
#include "journal.h"
#include "proc_files.h"
#include "snapshot_file.h"
#include "subcommands.h"
#include "temp_root.h"
#include "test_host.h"
#include "view_rules.h"

namespace dfg {
namespace {

using ::testing::HasSubstr;

std::string capture(const std::string& name) {
  std::ifstream in(std::string(DFG_TEST_DATA_DIR) + "/docker-rules/" + name);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// docker-26.1.5.iptables-save without the rules of web (172.17.0.2).
std::string capture_without_web() {
  std::string listing, line;
  std::istringstream lines(capture("docker-26.1.5.iptables-save"));
  while (std::getline(lines, line))
    if (line.find("172.17.0.2") == std::string::npos) listing += line + "\n";
  return listing;
}

/// What dockerd held when docker-26.1.5.iptables-save was captured: web on the default bridge
/// publishing 8080, app on labnet (br-1a4034471461) publishing three ports, one of them on
/// 127.0.0.1, and a container on the internal network dfgint.
const char* const captured_containers = R"([
  {"Id": "c1", "Names": ["/web"], "Ports": [{"IP": "0.0.0.0", "PrivatePort": 80,
    "PublicPort": 8080, "Type": "tcp"}],
   "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.2"}}}},
  {"Id": "c2", "Names": ["/app"], "Ports": [
    {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": 8090, "Type": "tcp"},
    {"IP": "0.0.0.0", "PrivatePort": 53, "PublicPort": 5353, "Type": "udp"},
    {"IP": "127.0.0.1", "PrivatePort": 443, "PublicPort": 8443, "Type": "tcp"}],
   "NetworkSettings": {"Networks": {"labnet": {"IPAddress": "10.77.0.2"}}}},
  {"Id": "c3", "Names": ["/quiet"], "Ports": [],
   "NetworkSettings": {"Networks": {"labinternal": {"IPAddress": "10.78.0.2"}}}}])";
const char* const captured_networks = R"([
  {"Name": "bridge", "Id": "b0", "Driver": "bridge",
   "Options": {"com.docker.network.bridge.name": "docker0"},
   "IPAM": {"Config": [{"Subnet": "172.17.0.0/16"}]}},
  {"Name": "labnet", "Id": "1a4034471461aa", "Driver": "bridge", "Options": {},
   "IPAM": {"Config": [{"Subnet": "10.77.0.0/24"}]}},
  {"Name": "labinternal", "Id": "i0", "Driver": "bridge", "Internal": true,
   "Options": {"com.docker.network.bridge.name": "dfgint"},
   "IPAM": {"Config": [{"Subnet": "10.78.0.0/24"}]}},
  {"Name": "host", "Id": "h0", "Driver": "host"}])";

const char* const firewall_only =
    "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"
    "-A FORWARD -j REJECT --reject-with icmp-host-prohibited\nCOMMIT\n";

/// A host with Docker 26 running as PID 4242 (started at tick 5000), its rules present, and
/// systemd and the tables faked.
struct Scene {
  test::TempRoot root;
  FakeRunner runner;
  FakeSystemd systemd;
  test::TestHost test{root.path(), runner, [this]() -> Expected<std::unique_ptr<Systemd>> {
                        return std::unique_ptr<Systemd>(new ForwardingSystemd(systemd));
                      }};
  std::string snapshot_path = root.path() + "/run/docker-firewall-guard/snapshots/iptables.service";

  Scene() {
    root.mkdirs("/run/systemd/system");
    root.write("/usr/bin/dockerd", "");
    set_dockerd_start(5000);
    runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 26.1.5, build a72d7cd\n");
    runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
    systemd.add("docker.service");
    systemd.units["docker.service"].main_pid = 4242;
    systemd.add("iptables.service");
    systemd.add("docker-firewall-guard-after-iptables.service");
    test.docker.answers = {{"/containers/json", std::string(captured_containers)},
                           {"/networks", std::string(captured_networks)}};
    // A restore that succeeds puts Docker's rules back into the listing.
    runner.on_call = [this](const std::vector<std::string>& argv) {
      if (argv.front() != "iptables-restore") return;
      const auto it = runner.results.find("iptables-restore");
      if (it == runner.results.end() || it->second.exit_code == 0)
        runner.results["iptables-save"] = exited(0, listing_after_restore);
    };
  }
  /// What iptables-save lists once an iptables-restore succeeded.
  std::string listing_after_restore = capture("docker-26.1.5.iptables-save");
  void set_dockerd_start(unsigned long ticks) {
    root.write("/proc/4242/stat",
               "4242 (dockerd) S 1 4242 4242 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 "
               "9 0 " +
                   std::to_string(ticks) + " 1000 100\n");
  }
  void flush() {
    runner.results["iptables-save"] = exited(0, firewall_only);
    runner.results["iptables filter"] = exited(1);
  }
  void unflush() { runner.results.erase("iptables filter"); }
  /// A restarted dockerd: its jumps and its rules back in the listing.
  void docker_rewrites() {
    unflush();
    runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
  }

  struct Run {
    ExitStatus status;
    std::string out;
  };
  Run snapshot(bool before_stop = false) {
    return run([&](HostView& v) { return run_snapshot(v, "iptables.service", before_stop); });
  }
  Run restore(bool after_stop = false) {
    return run([&](HostView& v) { return run_restore(v, "iptables.service", after_stop); });
  }
  template <typename F>
  Run run(F command) {
    return run_on_host([&command](Host& h) {
      HostView view(h);
      return command(view);
    });
  }
  template <typename F>
  Run run_on_host(F command) {
    test.out.str("");
    test.err.str("");
    const auto status = command(test.host);
    return {status, test.out.str() + test.err.str()};
  }
  std::vector<std::string> restore_inputs() const {
    std::vector<std::string> inputs;
    for (std::size_t i = 0; i < runner.calls.size(); ++i)
      if (runner.calls[i].front() == "iptables-restore") inputs.push_back(runner.inputs[i]);
    return inputs;
  }
};

TEST(SnapshotRestore, SnapshotThenRestorePutsDockersRulesBackOnce) {
  Scene host;
  const auto saved = host.snapshot();
  EXPECT_EQ(saved.status, ExitStatus::Ok);
  EXPECT_THAT(saved.out, HasSubstr("snapshot: saved Docker's 38 rules before iptables.service"));
  struct stat st {};
  ASSERT_EQ(stat(host.snapshot_path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  host.flush();
  host.runner.calls.clear();
  host.runner.inputs.clear();
  host.unflush();  // the canary after the restore finds the rules
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto restored = host.restore();
  EXPECT_EQ(restored.status, ExitStatus::Ok);
  EXPECT_THAT(restored.out,
              HasSubstr("restore: put back 38 of Docker's rules after iptables.service"));
  const auto inputs = host.restore_inputs();
  ASSERT_EQ(inputs.size(), 1u) << "one iptables-restore per family: filter and nat";
  EXPECT_THAT(inputs[0], HasSubstr("-I FORWARD 1 -j DOCKER-USER\n"));
  EXPECT_THAT(inputs[0], HasSubstr("COMMIT\n*nat\n"));
  EXPECT_THAT(inputs[0], HasSubstr("-A DOCKER ! -i docker0 -p tcp -m tcp --dport 8080 -j DNAT"));
  EXPECT_TRUE(entry_exists(host.snapshot_path)) << "kept for the next restore in [hook] timeout";
  EXPECT_TRUE(host.systemd.calls.empty()) << "Docker is not restarted";
}

TEST(SnapshotRestore, ARestoreDeletesTheTrackingOfConnectionsThatLeftWithoutNat) {
  Scene host;
  host.snapshot();
  host.flush();
  // web's flow began while nat was flushed; app's was masqueraded; an outside client's
  // reached web's published port through DNAT.
  auto& tracking = host.test.conntrack;
  tracking.local = {"127.0.0.1", "198.51.100.1", "172.17.0.1", "10.77.0.1"};
  for (const auto* line :
       {"udp 17 29 src=172.17.0.2 dst=198.51.100.2 sport=40001 dport=5300 [UNREPLIED] "
        "src=198.51.100.2 dst=172.17.0.2 sport=5300 dport=40001",
        "udp 17 29 src=10.77.0.2 dst=198.51.100.2 sport=40002 dport=5300 "
        "src=198.51.100.2 dst=198.51.100.1 sport=5300 dport=40002",
        "tcp 6 431999 ESTABLISHED src=198.51.100.2 dst=198.51.100.1 sport=40000 dport=8080 "
        "src=172.17.0.2 dst=198.51.100.2 sport=80 dport=40000 [ASSURED]"})
    tracking.entries.push_back(test::parse_conntrack_line(line));
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto restored = host.restore(true);
  EXPECT_THAT(restored.out, HasSubstr("put back 38 of Docker's rules after iptables.service; "
                                      "deleted 1 connection-tracking entries of connections "
                                      "that left without NAT"));
  ASSERT_EQ(tracking.removed.size(), 1u);
  EXPECT_EQ(tracking.removed[0].orig_src, "172.17.0.2");
  EXPECT_EQ(tracking.entries.size(), 2u);
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  const auto& entry = host.test.journal.entries[0];
  EXPECT_EQ(entry.field("FLOWS_CLEARED"), "1");
  EXPECT_NE(entry.field("PUT_BACK_MS"), "");
  EXPECT_NE(entry.field("DURATION_MS"), "");
}

TEST(SnapshotRestore, ARestoreJournalsWhereItsTimeWent) {
  Scene host;
  host.snapshot();
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  // Each program costs time: iptables-save 4 ms, iptables-restore 7 ms, the rest nothing.
  const auto put_back = host.runner.on_call;
  host.runner.on_call = [&](const std::vector<std::string>& argv) {
    if (argv.front() == "iptables-save") host.test.clock.sleep_for(std::chrono::milliseconds(4));
    if (argv.front() == "iptables-restore") host.test.clock.sleep_for(std::chrono::milliseconds(7));
    put_back(argv);
  };
  const auto began = host.test.clock.now();  // the fake process starts at the clock's zero
  host.restore(true);
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  const auto& entry = host.test.journal.entries[0];
  const auto ms = [](std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  };
  EXPECT_EQ(entry.field("SAVE_MS"), "4.0") << "the put back's own iptables-save";
  EXPECT_EQ(entry.field("WRITE_MS"), "7.0");
  EXPECT_EQ(entry.field("ASK_MS"), "0.0");
  EXPECT_EQ(entry.field("READY_MS"), std::to_string(ms(began.time_since_epoch())) + ".0");
  EXPECT_EQ(entry.field("PUT_BACK_MS"), std::to_string(ms(began.time_since_epoch()) + 11) + ".0")
      << "from the process's start until the rules were back";
  EXPECT_NE(entry.field("DURATION_MS"), "");
}

TEST(SnapshotRestore, ClearFlowsAfterDockerStartsDeletesOnlyBrokenEntriesAndSaysHowMany) {
  Scene host;
  auto& tracking = host.test.conntrack;
  tracking.entries.push_back(test::parse_conntrack_line(
      "tcp 6 118 SYN_SENT src=10.77.0.2 dst=198.51.100.2 sport=51234 dport=80 [UNREPLIED] "
      "src=198.51.100.2 dst=10.77.0.2 sport=80 dport=51234"));
  tracking.entries.push_back(test::parse_conntrack_line(
      "udp 17 29 src=10.78.0.2 dst=198.51.100.2 sport=1 dport=2 "
      "src=198.51.100.2 dst=10.78.0.2 sport=2 dport=1"));  // labinternal: never masqueraded
  const auto run = host.run_on_host(run_clear_flows);
  EXPECT_EQ(run.status, ExitStatus::Ok);
  EXPECT_THAT(run.out, HasSubstr("clear-flows: deleted 1 connection-tracking entries"));
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("FLOWS_CLEARED"), "1");
  EXPECT_EQ(tracking.entries.size(), 1u);

  // Nothing to delete: said on stdout only (it runs at every start of Docker).
  host.test.journal.entries.clear();
  EXPECT_EQ(host.run_on_host(run_clear_flows).status, ExitStatus::Ok);
  EXPECT_TRUE(host.test.journal.entries.empty());

  // dockerd does not answer: nothing deleted, and said.
  host.test.docker.answers.erase("/networks");
  const auto unknown = host.run_on_host(run_clear_flows);
  EXPECT_EQ(unknown.status, ExitStatus::Unknown);
  EXPECT_THAT(unknown.out, HasSubstr("clear-flows: nothing cleared: "));
}

TEST(SnapshotRestore, EachRestoreOrFallbackThatActedIsOneJournalEntry) {
  Scene host;
  host.snapshot();
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  host.restore();
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  const auto& restored = host.test.journal.entries[0];
  EXPECT_EQ(restored.message_id, restore_message_id);
  EXPECT_EQ(restored.message, "restore: put back 38 of Docker's rules after iptables.service");
  EXPECT_EQ(restored.field("GUARDED_UNIT"), "docker.service");
  EXPECT_EQ(restored.field("FIREWALL_UNIT"), "iptables.service");
  EXPECT_EQ(restored.field("ACTION"), "restored");
  EXPECT_EQ(restored.field("RULES"), "38");

  // The snapshot too old, and the rules present: the fallback does nothing, and says so only
  // on stdout; the snapshot is removed.
  host.test.clock.sleep_for(std::chrono::seconds(120));
  host.restore();
  EXPECT_FALSE(entry_exists(host.snapshot_path));
  EXPECT_EQ(host.test.journal.entries.size(), 1u);
  // No snapshot and the rules gone: the fallback restarts Docker, one entry.
  host.flush();
  host.systemd.on_restart = [&host] { host.docker_rewrites(); };
  host.restore();
  ASSERT_EQ(host.test.journal.entries.size(), 2u);
  EXPECT_EQ(host.test.journal.entries[1].field("ACTION"), "restarted");
  EXPECT_EQ(host.test.journal.entries[1].field("RULES"), "0");
  EXPECT_THAT(host.test.journal.entries[1].message, HasSubstr("restore: no snapshot ("));
}

TEST(SnapshotRestore, ASnapshotLargerThanAConfigFileIsPutBackToo) {
  // 15000 published ports: Docker's part is over 1 MiB, the limit for config files.
  Scene host;
  auto rules = capture("docker-26.1.5.iptables-save");
  std::string dnat;
  for (int port = 10000; port < 25000; ++port)
    dnat += "-A DOCKER ! -i docker0 -p tcp -m tcp --dport " + std::to_string(port) +
            " -j DNAT --to-destination 172.17.0.2:80\n";
  const auto nat_commit = rules.find("COMMIT", rules.find("*nat"));
  rules.insert(nat_commit, dnat);
  host.runner.results["iptables-save"] = exited(0, rules);
  host.listing_after_restore = rules;
  // ... each published by web, as dockerd says.
  std::string ports;
  for (int port = 10000; port < 25000; ++port)
    ports += R"(, {"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": )" + std::to_string(port) +
             R"(, "Type": "tcp"})";
  std::string containers = captured_containers;
  const auto web_ports =
      containers.find(R"("Type": "tcp"}])") + std::string(R"("Type": "tcp"})").size();
  containers.insert(web_ports, ports);
  host.test.docker.answers.at("/containers/json") = containers;
  EXPECT_THAT(host.snapshot().out, HasSubstr("snapshot: saved Docker's 15038 rules"));
  ASSERT_GT(read_file(host.snapshot_path, max_snapshot_size).value().size(), max_file_size);
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  EXPECT_THAT(host.restore().out,
              HasSubstr("restore: put back 15038 of Docker's rules after iptables.service"));
}

TEST(SnapshotRestore, AnIPv6FamilyDockerNeverSetUpDoesNotKeepIPv4FromBeingKept) {
  // Docker 28 manages ip6tables by default; here its IPv6 rules were never made.
  Scene host;
  host.runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 28.5.2, build ecc6942\n");
  host.runner.results["ip6tables filter"] = exited(1);
  host.systemd.add("nftables.service");
  host.systemd.add("docker-firewall-guard-after-nftables.service");
  auto run = [&](bool snapshot) {
    return host.run([snapshot](HostView& v) {
      return snapshot ? run_snapshot(v, "nftables.service", false)
                      : run_restore(v, "nftables.service", false);
    });
  };
  const auto saved = run(true);
  EXPECT_THAT(saved.out, HasSubstr("snapshot: saved Docker's 38 rules before nftables.service "
                                   "flushes them (IPv4 present; IPv6 flushed: "));
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto restored = run(false);
  EXPECT_THAT(restored.out,
              HasSubstr("restore: put back 38 of Docker's rules after nftables.service"));
  EXPECT_TRUE(host.systemd.calls.empty()) << "no restart for rules Docker never had";
}

TEST(SnapshotRestore, AnIPv6FamilyThatCannotBeCheckedDoesNotKeepIPv4FromBeingKept) {
  // ip6tables waited for the xtables lock in vain (exit 4): IPv6 unknown, IPv4 present.
  Scene host;
  host.runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 28.5.2, build ecc6942\n");
  host.runner.results["ip6tables filter"] =
      exited(4, "", "Another app is currently holding the xtables lock");
  host.systemd.add("nftables.service");
  host.systemd.add("docker-firewall-guard-after-nftables.service");
  const auto saved =
      host.run([](HostView& v) { return run_snapshot(v, "nftables.service", false); });
  EXPECT_THAT(saved.out, HasSubstr("snapshot: saved Docker's 38 rules before nftables.service "
                                   "flushes them (IPv4 present; IPv6 unknown: "));
}

TEST(SnapshotRestore, DockerdIsAskedWhereItListens) {
  // dockerd started with -H: the API is asked on that socket, not on /run/docker.sock.
  Scene host;
  const char cmdline[] = "/usr/bin/dockerd\0-H\0unix:///srv/docker/api.sock\0";
  host.root.write("/proc/4242/cmdline", std::string(cmdline, sizeof cmdline - 1));
  host.snapshot();
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  EXPECT_THAT(host.restore().out, HasSubstr("restore: put back 38 of Docker's rules"));
  ASSERT_FALSE(host.test.docker.sockets.empty());
  for (const auto& socket : host.test.docker.sockets) EXPECT_EQ(socket, "/srv/docker/api.sock");
}

TEST(SnapshotRestore, DockerdsOwnFlagsCountWhateverWasAskedFirst) {
  // No call order: Docker's settings ask systemd for dockerd's MainPID themselves, unless
  // the view reads the service's files only (check, clear-flows).
  Scene host;
  const char cmdline[] = "/usr/bin/dockerd\0-H\0unix:///srv/docker/api.sock\0";
  host.root.write("/proc/4242/cmdline", std::string(cmdline, sizeof cmdline - 1));
  EXPECT_EQ(HostView(host.test.host).docker_socket(), "/srv/docker/api.sock");
  EXPECT_EQ(HostView(host.test.host, DockerdSource::ServiceFiles).docker_socket(),
            "/run/docker.sock");
}

TEST(SnapshotRestore, RulesOfAContainerGoneAreNotPutBack) {
  // web removed while the firewall restarted, and a newcomer started on its address,
  // publishing nothing: 8080 must not lead to the newcomer.
  Scene host;
  host.snapshot();
  std::string containers = captured_containers;
  const auto web = containers.find(R"("Id": "c1", "Names": ["/web"])");
  containers.replace(web, std::string(R"("Id": "c1", "Names": ["/web"])").size(),
                     R"("Id": "c9", "Names": ["/newcomer"])");
  const auto ports = containers.find(R"("Ports": [{"IP": "0.0.0.0", "PrivatePort": 80,)");
  containers.replace(ports, containers.find("}],", ports) + 3 - ports, R"("Ports": [],)");
  host.test.docker.answers.at("/containers/json") = containers;
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  // What the tables hold once the restore ran: the capture without web's rules.
  host.listing_after_restore = capture_without_web();
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: put back 35 of Docker's rules after iptables.service; "
                               "left out 3 of containers, ports or networks Docker no longer "
                               "holds"));
  EXPECT_TRUE(host.systemd.calls.empty()) << "the rest matches what dockerd holds: no restart";
  const auto inputs = host.restore_inputs();
  ASSERT_EQ(inputs.size(), 1u) << r.out;
  for (const auto& input : inputs) {
    EXPECT_EQ(input.find("--dport 8080"), std::string::npos) << input;
    EXPECT_EQ(input.find("-d 172.17.0.2/32 ! -i docker0 -o docker0 -p tcp -m tcp --dport 80"),
              std::string::npos)
        << input;
  }
  EXPECT_THAT(inputs[0], HasSubstr("--dport 8090 -j DNAT --to-destination 10.77.0.2:80"))
      << "app's ports go back";
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("RULES_DROPPED"), "3")
      << "its ACCEPT, DNAT and hairpin";
}

TEST(SnapshotRestore, AContainerBeingStartedGetsItsRulesBackOnceDockerListsIt) {
  // web's rules were saved, but when the restore first asks, dockerd is starting web again
  // and does not list it; it does a moment later.
  Scene host;
  host.snapshot();
  std::string containers = captured_containers;
  const auto web = containers.find(R"({"Id": "c1")");
  containers.erase(web, containers.find(R"({"Id": "c2")") - web);
  host.test.docker.answers.at("/containers/json") = containers;
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto without_web = capture_without_web();
  host.listing_after_restore = without_web;
  int restores = 0;
  host.runner.on_call = [&](const std::vector<std::string>& argv) {
    if (argv.front() != "iptables-restore") return;
    if (++restores <= 1) {  // filter and nat without web; web runs now, dockerd lists it
      host.test.docker.answers.at("/containers/json") = std::string(captured_containers);
      host.runner.results["iptables-save"] = exited(0, without_web);
    } else {
      host.runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
    }
  };
  const auto r = host.restore();
  // Each table counted once, as last written: the second time, DOCKER-USER is there (the
  // first put it back) and kept as it is, so 37 of the 38.
  EXPECT_THAT(r.out, HasSubstr("restore: put back 37 of Docker's rules"));
  EXPECT_EQ(r.out.find("left out"), std::string::npos) << r.out;
  EXPECT_TRUE(host.systemd.calls.empty()) << "no restart of Docker: " << r.out;
  const auto inputs = host.restore_inputs();
  ASSERT_GE(inputs.size(), 2u) << r.out;
  EXPECT_EQ(inputs[0].find("--dport 8080"), std::string::npos) << "first without web";
  EXPECT_THAT(inputs.back(), HasSubstr("--dport 8080 -j DNAT --to-destination 172.17.0.2:80"))
      << "then web's DNAT goes back";
  EXPECT_EQ(host.test.clock.slept, std::chrono::milliseconds(0)) << "put back as soon as listed";
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("RULES_DROPPED"), "0");
}

TEST(SnapshotRestore, AContainerBeingStoppedLosesItsRulesOnceDockerStopsListingIt) {
  // When the restore first asks, dockerd still lists web, which it is stopping: web's saved
  // rules go back; a moment later it lists web no more, and they go again. No restart.
  Scene host;
  host.snapshot();
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto without_web = capture_without_web();
  int restores = 0;
  host.runner.on_call = [&](const std::vector<std::string>& argv) {
    if (argv.front() != "iptables-restore") return;
    if (++restores <= 1) {  // filter and nat with web; web has stopped now
      std::string containers = captured_containers;
      const auto web = containers.find(R"({"Id": "c1")");
      containers.erase(web, containers.find(R"({"Id": "c2")") - web);
      host.test.docker.answers.at("/containers/json") = containers;
      host.runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
    } else {
      host.runner.results["iptables-save"] = exited(0, without_web);
    }
  };
  const auto r = host.restore();
  // 35 without web's 3, less DOCKER-USER's rule, kept as the first pass put it back.
  EXPECT_THAT(r.out, HasSubstr("restore: put back 34 of Docker's rules after iptables.service; "
                               "left out 3 of containers, ports or networks Docker no longer "
                               "holds"));
  EXPECT_TRUE(host.systemd.calls.empty()) << "no restart of Docker: " << r.out;
  const auto inputs = host.restore_inputs();
  ASSERT_GE(inputs.size(), 2u) << r.out;
  EXPECT_THAT(inputs[0], HasSubstr("--dport 8080")) << "first with web";
  EXPECT_EQ(inputs.back().find("--dport 8080 -j DNAT"), std::string::npos) << inputs.back();
}

TEST(SnapshotRestore, AContainerStartedSinceTheSnapshotMeansOneRestart) {
  Scene host;
  host.snapshot();
  std::string containers = captured_containers;
  containers.insert(containers.rfind(']'),
                    R"(, {"Id": "c4", "Names": ["/late"], "Ports": [{"IP": "0.0.0.0",
                       "PrivatePort": 80, "PublicPort": 9000, "Type": "tcp"}],
                       "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.4"}}}})");
  host.test.docker.answers.at("/containers/json") = containers;
  host.flush();
  host.systemd.on_restart = [&host] { host.docker_rewrites(); };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: the snapshot lacks what Docker holds now (IPv4 nat "
                               "DOCKER: tcp 9000 to late (172.17.0.4:80)); docker.service: "));
  EXPECT_TRUE(host.restore_inputs().empty()) << "nothing put back that would cut it off";
  EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service"));
}

TEST(SnapshotRestore, WhenDockerdDoesNotAnswerRulesNamingContainersAreHeldBack) {
  // Nothing tells whether 172.17.0.2 is still web's: its DNAT, ACCEPT and hairpin could lead
  // to another container now. The rest (chains, jumps, masquerading) goes back.
  Scene host;
  host.snapshot();
  host.test.docker.answers.at("/containers/json") =
      fail("GET /containers/json on /run/docker.sock: Operation timed out after 5000 milliseconds");
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: put back 26 of Docker's rules after iptables.service; "
                               "held back 12 rules naming containers' addresses, since dockerd "
                               "did not answer (the first: "));
  for (const auto& input : host.restore_inputs())
    EXPECT_EQ(input.find("--to-destination"), std::string::npos) << input;
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("RULES_HELD_BACK"), "12");
  EXPECT_EQ(host.test.journal.entries[0].priority, 4) << "a warning: published ports are out";
  EXPECT_TRUE(host.systemd.calls.empty());
}

TEST(SnapshotRestore, AnAnswerThatComesWhileSettlingPutsTheHeldBackRulesBack) {
  Scene host;
  host.snapshot();
  const std::string answer = captured_containers;
  host.test.docker.answers.at("/containers/json") = fail("GET /containers/json: timed out");
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  host.listing_after_restore = firewall_only;
  int restores = 0;
  host.runner.on_call = [&](const std::vector<std::string>& argv) {
    if (argv.front() != "iptables-restore") return;
    if (++restores == 1) {  // dockerd answers again once the first write is done
      host.test.docker.answers.at("/containers/json") = answer;
    } else {
      host.runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
    }
  };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: put back 38 of Docker's rules after iptables.service"));
  EXPECT_EQ(r.out.find("held back"), std::string::npos) << r.out;
  const auto inputs = host.restore_inputs();
  ASSERT_EQ(inputs.size(), 2u) << r.out;
  EXPECT_THAT(inputs[1], HasSubstr("--dport 8080 -j DNAT --to-destination 172.17.0.2:80"));
}

TEST(SnapshotRestore, AContainerStartedWhileSettlingIsDockersToWrite) {
  // late starts once the rules are back, and dockerd writes its DNAT itself: the restore did
  // its work, and says so (it is no fallback, and its snapshot serves the next restore).
  Scene host;
  host.snapshot();
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  std::string containers = captured_containers;
  containers.insert(containers.rfind(']'),
                    R"(, {"Id": "c4", "Names": ["/late"], "Ports": [{"IP": "0.0.0.0",
                       "PrivatePort": 80, "PublicPort": 9000, "Type": "tcp"}],
                       "NetworkSettings": {"Networks": {"bridge": {"IPAddress": "172.17.0.4"}}}})");
  std::string with_late = capture("docker-26.1.5.iptables-save");
  const std::string dnat =
      "-A DOCKER ! -i br-1a4034471461 -p udp -m udp --dport 5353 -j DNAT --to-destination "
      "10.77.0.2:53\n";
  with_late.insert(with_late.find(dnat) + dnat.size(),
                   "-A DOCKER ! -i docker0 -p tcp -m tcp --dport 9000 -j DNAT --to-destination "
                   "172.17.0.4:80\n");
  bool restored = false;
  int saves_after = 0;
  host.runner.on_call = [&](const std::vector<std::string>& argv) {
    if (argv.front() == "iptables-restore") {
      restored = true;
      host.test.docker.answers.at("/containers/json") = containers;  // late is starting
      host.runner.results["iptables-save"] = exited(0, capture("docker-26.1.5.iptables-save"));
    } else if (argv.front() == "iptables-save" && restored && ++saves_after == 2) {
      host.runner.results["iptables-save"] = exited(0, with_late);  // Docker wrote late's rules
    }
  };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: put back 38 of Docker's rules"));
  EXPECT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_TRUE(host.systemd.calls.empty()) << r.out;
  EXPECT_TRUE(entry_exists(host.snapshot_path)) << "the snapshot that went back is kept";
}

TEST(SnapshotRestore, DryRunSaysWhatItWouldPutBackAndWritesNothing) {
  Scene host;
  host.root.write("/etc/docker-firewall-guard.conf", "[hook]\ndry-run = yes\n");
  host.snapshot();
  host.flush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: would put back 38 of Docker's rules after "
                               "iptables.service (dry run)"));
  EXPECT_TRUE(host.restore_inputs().empty()) << "no iptables-restore in a dry run";
  EXPECT_TRUE(host.systemd.calls.empty()) << "and no restart";
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("ACTION"), "would restore");
}

TEST(SnapshotRestore, ARestoreThatCannotTakeItsTurnFallsBack) {
  Scene host;
  host.root.write("/etc/docker-firewall-guard.conf", "[hook]\ntimeout = 1\n");
  host.snapshot();
  host.flush();
  auto held = host.test.locks.take(host.root.path() + "/run/docker-firewall-guard/restore.lock",
                                   std::chrono::milliseconds(0));
  ASSERT_TRUE(held.ok()) << held.error();
  host.test.docker.answers.insert_or_assign(
      "/containers/c1/json", Expected<std::string>(std::string(
                                 R"({"HostConfig": {"RestartPolicy": {"Name": "always"}}})")));
  host.test.docker.answers.insert_or_assign(
      "/containers/c2/json",
      Expected<std::string>(std::string(R"({"HostConfig": {"RestartPolicy": {"Name": "no"}}})")));
  host.test.docker.answers.insert_or_assign(
      "/containers/c3/json", Expected<std::string>(std::string(
                                 R"({"HostConfig": {"RestartPolicy": {"Name": "on-failure"}}})")));
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: could not take its turn: "));
  EXPECT_THAT(r.out, HasSubstr("restore.lock: still held by another docker-firewall-guard"));
  EXPECT_FALSE(host.systemd.calls.empty()) << "the rules are gone: Docker is restarted";
  EXPECT_THAT(r.out, HasSubstr("with live-restore off, Docker's restart stops for good (no "
                               "restart policy): app, quiet"));
  ASSERT_EQ(host.test.journal.entries.size(), 1u);
  EXPECT_EQ(host.test.journal.entries[0].field("STOPPED_FOR_GOOD"), "app, quiet");
  EXPECT_FALSE(entry_exists(host.snapshot_path)) << "never left for a later cycle";
}

TEST(SnapshotRestore, AnAlteredSnapshotIsRefusedAndTheFallbackTaken) {
  for (const std::string how : {"truncated", "a rule added"}) {
    Scene host;
    host.snapshot();
    auto text = read_file(host.snapshot_path).value();
    if (how == "truncated") {
      text.resize(text.size() / 2);
    } else {
      const std::string line = "-A FORWARD -j DOCKER-USER\n";
      text.insert(text.find(line), "-A INPUT -j ACCEPT\n");
    }
    host.root.write("/run/docker-firewall-guard/snapshots/iptables.service", text);
    host.flush();
    host.systemd.on_restart = [&] { host.docker_rewrites(); };
    const auto r = host.restore();
    EXPECT_EQ(r.status, ExitStatus::Ok) << how;
    EXPECT_THAT(r.out, HasSubstr("restore: the snapshot is unusable: ")) << how;
    EXPECT_TRUE(host.restore_inputs().empty()) << how << ": nothing of it restored";
    EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service")) << how;
    EXPECT_FALSE(entry_exists(host.snapshot_path)) << how;
  }
}

TEST(SnapshotRestore, SnapshotNeverOverwritesWithLessThanDockersRules) {
  Scene host;
  host.snapshot();
  host.flush();
  const auto r = host.snapshot();
  EXPECT_THAT(r.out, HasSubstr("nothing saved: Docker's rules are not all there"));
  host.unflush();
  host.restore();
  EXPECT_EQ(host.restore_inputs().size(), 1u) << "the first snapshot was kept and restored";
}

TEST(SnapshotRestore, ARestartedDockerdGetsNothingRestored) {
  Scene host;
  host.snapshot();
  host.set_dockerd_start(9000);  // same PID, another process
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("dockerd restarted since the snapshot was taken; docker.service: "
                               "nothing to do: Docker's rules are present"));
  EXPECT_TRUE(host.restore_inputs().empty());
  EXPECT_FALSE(entry_exists(host.snapshot_path));
}

TEST(SnapshotRestore, WithoutASnapshotTheFallbackRestartsDockerOnce) {
  Scene host;
  host.flush();
  host.systemd.on_restart = [&] { host.docker_rewrites(); };
  const auto r = host.restore();
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("restore: no snapshot ("));
  EXPECT_THAT(r.out, HasSubstr("docker.service: restarted: "));
  EXPECT_THAT(host.systemd.calls,
              ::testing::ElementsAre("reset-failed docker.service", "try-restart docker.service"));
}

TEST(SnapshotRestore, TheFallbackWaitsForNoCompanion) {
  Scene host;
  host.root.write("/etc/docker-firewall-guard.conf", "[guard]\nstrategy = reconcile\n");
  host.flush();
  host.systemd.on_restart = [&] { host.docker_rewrites(); };
  for (const char* unit : {"docker-firewall-guard-after-iptables.service",
                           "docker-firewall-guard-after-ip6tables.service"}) {
    host.systemd.add(unit, "activating");
    host.systemd.units[unit].job_type = "start";
  }
  host.restore();
  // Its own job is running it, and another firewall's companion may be waiting for it.
  for (const auto& call : host.systemd.calls)
    EXPECT_THAT(call, ::testing::Not(HasSubstr("wait docker-firewall-guard-")));
  EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service"));
}

TEST(SnapshotRestore, SavesOnlyWhatThisCycleWillPutBack) {
  Scene host;
  host.systemd.units["docker-firewall-guard-after-iptables.service"].active_state = "inactive";
  EXPECT_THAT(host.snapshot().out,
              HasSubstr("nothing saved: docker-firewall-guard-after-iptables.service is not "
                        "running, so nothing would put it back"));
  host.systemd.units["docker-firewall-guard-after-iptables.service"].job_type = "start";
  EXPECT_THAT(host.snapshot().out, HasSubstr("snapshot: saved"));

  // Before a stop: only while the firewall's stop or restart is still to come.
  EXPECT_THAT(host.snapshot(true).out,
              HasSubstr("nothing saved: iptables.service is not about to stop"));
  host.systemd.units["iptables.service"].job_type = "restart";
  EXPECT_THAT(host.snapshot(true).out, HasSubstr("snapshot: saved"));
  host.systemd.units["iptables.service"].job_type = "stop";
  EXPECT_THAT(host.snapshot(true).out, HasSubstr("snapshot: saved"));
}

TEST(SnapshotRestore, AnUnusableSnapshotIsRefusedAndTheFallbackTaken) {
  Scene host;
  host.snapshot();
  std::string text = read_file(host.snapshot_path).value();
  host.root.write("/run/docker-firewall-guard/snapshots/iptables.service",
                  text.substr(0, text.size() / 2));
  host.flush();
  host.systemd.on_restart = [&] { host.docker_rewrites(); };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("the snapshot is unusable: "));
  EXPECT_TRUE(host.restore_inputs().empty()) << "nothing of a damaged snapshot is restored";
  EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service"));
}

TEST(SnapshotRestore, AFailedRestoreFallsBackToOneRestart) {
  Scene host;
  host.snapshot();
  host.flush();
  host.runner.results["iptables-restore"] = exited(2, "", "iptables-restore: line 3 failed\n");
  host.systemd.on_restart = [&] { host.docker_rewrites(); };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: iptables-restore of IPv4 filter, nat: exited with 2: "
                               "iptables-restore: line 3 failed; docker.service: restarted: "));
  EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service"));
}

TEST(SnapshotRestore, RulesStillGoneAfterTheRestoreFallBack) {
  Scene host;
  host.snapshot();
  host.flush();  // and they stay gone: the canary still fails after the restore
  host.systemd.on_restart = [&] { host.docker_rewrites(); };
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("restore: restored, but IPv4 flushed: "));
  EXPECT_THAT(host.systemd.calls, ::testing::Contains("try-restart docker.service"));
}

TEST(SnapshotRestore, AnOldSnapshotIsStale) {
  Scene host;
  Snapshot old;
  old.firewall = "iptables.service";
  old.dockerd_pid = 4242;
  old.dockerd_start = 5000;
  old.taken_ms = host.test.clock.boot_ms() - 91 * 1000;  // [hook] timeout is 90 s
  host.root.write("/run/docker-firewall-guard/snapshots/iptables.service", render_snapshot(old));
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("the snapshot is 91 s old, older than [hook] timeout"));
  EXPECT_TRUE(host.restore_inputs().empty());
}

TEST(SnapshotRestore, CopiesOfWhatDockerNoLongerHoldsAreDeleted) {
  // The firewall's file holds Docker's rules as `service iptables save` wrote them long ago:
  // a network's MASQUERADE and a container's hairpin that dockerd no longer holds.
  Scene host;
  host.snapshot();
  host.runner.results["iptables-save"] =
      exited(0, std::string(firewall_only) +
                    "*nat\n:PREROUTING ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n:DOCKER - [0:0]\n"
                    "-A POSTROUTING -s 10.99.0.0/24 ! -o br-0ld -j MASQUERADE\n"
                    "-A POSTROUTING -s 10.77.0.9/32 -d 10.77.0.9/32 -p tcp -m tcp --dport 443 "
                    "-j MASQUERADE\n"
                    "-A POSTROUTING -s 192.0.2.0/24 -o eth0 -j MASQUERADE\n"
                    "-A DOCKER -i br-0ld -j RETURN\n"
                    "-A DOCKER ! -i br-1a4034471461 -p tcp -m tcp --dport 9443 -j DNAT "
                    "--to-destination 10.77.0.9:443\n"
                    "COMMIT\n");
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("put back 38"));
  const auto inputs = host.restore_inputs();
  ASSERT_EQ(inputs.size(), 1u);
  EXPECT_THAT(inputs[0], HasSubstr("-D POSTROUTING -s 10.99.0.0/24 ! -o br-0ld -j MASQUERADE\n"));
  EXPECT_THAT(inputs[0], HasSubstr("-D POSTROUTING -s 10.77.0.9/32 -d 10.77.0.9/32"));
  EXPECT_THAT(inputs[0], ::testing::Not(HasSubstr("192.0.2.0/24"))) << "the firewall's own";
}

TEST(SnapshotRestore, ATableThatHoldsItAllIsNotRewritten) {
  // EL's reload: the file replaced filter; nat kept Docker's rules.
  Scene host;
  host.snapshot();
  const auto capture26 = capture("docker-26.1.5.iptables-save");
  host.runner.results["iptables-save"] =
      exited(0, std::string(firewall_only) + capture26.substr(capture26.find("*nat")));
  const auto r = host.restore();
  EXPECT_THAT(r.out, HasSubstr("in place already, not rewritten: IPv4 nat"));
  const auto inputs = host.restore_inputs();
  ASSERT_EQ(inputs.size(), 1u) << "filter only";
  EXPECT_THAT(inputs[0], HasSubstr("*filter\n"));
}

TEST(SnapshotRestore, AfterStopRestoresARestartsStopToo) {
  // Whatever the start then does (fails, is refused by the start limit, never comes), the
  // rules are back right after the flush.
  Scene host;
  host.snapshot();
  host.flush();
  host.unflush();  // the canary after the restore finds the rules
  host.systemd.units["iptables.service"].job_type = "restart";
  const auto r = host.restore(true);
  EXPECT_THAT(r.out, HasSubstr("put back 38"));
  // A quick next restart cancels the after-companion's start, so its stop saves nothing: the
  // next stop's restore puts back the one that went back here.
  host.flush();
  host.unflush();
  host.runner.results["iptables-save"] = exited(0, firewall_only);
  EXPECT_THAT(host.restore(true).out, HasSubstr("put back 38"));
  EXPECT_TRUE(host.systemd.calls.empty()) << "Docker is not restarted";
}

TEST(SnapshotRestore, AfterStopTheFallbackDoesNotWaitForTheFirewallsOwnJob) {
  Scene host;
  host.flush();
  host.systemd.units["iptables.service"].job_type = "stop";
  const auto r = host.restore(true);
  EXPECT_THAT(r.out, HasSubstr("docker.service: restart queued: "));
  EXPECT_THAT(host.systemd.calls,
              ::testing::ElementsAre("reset-failed docker.service", "try-restart docker.service"));
}

TEST(SnapshotRestore, NothingWhileDockerIsDownOrTheSystemStops) {
  Scene host;
  host.systemd.units["docker.service"].active_state = "inactive";
  EXPECT_THAT(host.snapshot().out, HasSubstr("nothing saved: docker.service is not running"));
  host.systemd.units["docker.service"].active_state = "active";
  host.snapshot();
  host.systemd.state = "stopping";
  EXPECT_THAT(host.restore().out, HasSubstr("nothing done: the system is shutting down"));
  EXPECT_FALSE(entry_exists(host.snapshot_path));
}

TEST(SnapshotRestore, AFirewallNameMustBeAUnitName) {
  Scene host;
  const auto r = host.run([](HostView& v) { return run_restore(v, "../../etc/x", false); });
  EXPECT_EQ(r.status, ExitStatus::Usage);
  EXPECT_THAT(r.out, HasSubstr("--firewall ../../etc/x: "));
}

TEST(SnapshotRestore, EachFirewallFlushesItsFamilies) {
  const ManagedFamilies both{true, true};
  EXPECT_FALSE(families_flushed_by("iptables.service", both).ipv6);
  EXPECT_FALSE(families_flushed_by("ip6tables.service", both).ipv4);
  EXPECT_TRUE(families_flushed_by("nftables.service", both).ipv4);
  EXPECT_TRUE(families_flushed_by("nftables.service", both).ipv6);
  // Debian's: rules.v4 and rules.v6; ferm's domains ip and ip6.
  for (const char* unit : {"netfilter-persistent.service", "ferm.service", "ferm-early.service"}) {
    EXPECT_TRUE(families_flushed_by(unit, both).ipv4) << unit;
    EXPECT_TRUE(families_flushed_by(unit, both).ipv6) << unit;
  }
}

TEST(SnapshotRestore, ProcessStartTimeSurvivesOddCommandNames) {
  test::TempRoot root;
  root.write("/proc/7/stat", "7 (a) b) c) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 424242 0 0\n");
  EXPECT_EQ(ProcFiles(root.path()).start_time(7).value(), 424242u);
}

}  // namespace
}  // namespace dfg
