#include "subcommands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "fake_runner.h"
#include "fake_systemd.h"
#include "temp_root.h"
#include "test_host.h"

namespace dfg {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

Expected<std::unique_ptr<Systemd>> no_systemd() {
  ADD_FAILURE() << "this command must not need systemd";
  return fail("no systemd in this test");
}

struct Run {
  ExitStatus status;
  std::string out, err;
};

Run check(const test::TempRoot& root, FakeRunner& runner) {
  test::TestHost host(root.path(), runner, no_systemd);
  const auto status = run_check(host.host);
  return {status, host.out.str(), host.err.str()};
}

Run config(const test::TempRoot& root, bool check_only) {
  FakeRunner runner;
  test::TestHost host(root.path(), runner, no_systemd);
  HostView view(host.host);
  const auto status = run_config(view, check_only);
  EXPECT_TRUE(runner.calls.empty()) << "config runs no program";
  return {status, host.out.str(), host.err.str()};
}

TEST(CheckCommand, ExitCodesFollowTheCanary) {
  test::TempRoot root;
  root.write("/usr/bin/dockerd", "");
  FakeRunner runner;
  runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 20.10.24+dfsg1, build 297e128\n");
  auto r = check(root, runner);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(
      r.out,
      "Docker's rules: present (IPv4 present; IPv6 not-managed: Docker's ip6tables is off)\n");

  runner.results["iptables nat"] = exited(1, "", "iptables: Bad rule\n");
  r = check(root, runner);
  EXPECT_EQ(r.status, ExitStatus::Problem);
  EXPECT_THAT(r.out, HasSubstr("Docker's rules: flushed (IPv4 flushed: nat PREROUTING"));

  runner.results["iptables nat"] =
      exited(4, "", "Another app is currently holding the xtables lock.\n");
  EXPECT_EQ(check(root, runner).status, ExitStatus::Unknown);
}

TEST(CheckCommand, Docker27AndLaterAreCheckedForIPv6) {
  test::TempRoot root;
  root.write("/usr/bin/dockerd", "");
  FakeRunner runner;
  runner.results["/usr/bin/dockerd"] = exited(0, "Docker version 28.5.2, build ecc6942\n");
  runner.results["ip6tables filter"] = exited(1);
  const auto r = check(root, runner);
  EXPECT_EQ(r.status, ExitStatus::Problem);
  EXPECT_THAT(r.out,
              HasSubstr("IPv4 present; IPv6 flushed: filter FORWARD -j DOCKER-USER: missing"));
}

TEST(CheckCommand, DaemonJsonDecidesWithoutAskingDockerd) {
  test::TempRoot root;
  root.write("/etc/docker/daemon.json", R"({"iptables": false, "ip6tables": false})");
  FakeRunner runner;
  auto r = check(root, runner);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("Docker's rules: not-managed"));
  EXPECT_TRUE(runner.calls.empty());

  root.write("/etc/docker/daemon.json", R"({"ip6tables": true})");
  r = check(root, runner);
  std::vector<std::string> programs;
  for (const auto& call : runner.calls) programs.push_back(call.front());
  EXPECT_EQ(programs, (std::vector<std::string>{"iptables", "iptables", "ip6tables", "ip6tables",
                                                "iptables-save", "ip6tables-save"}))
      << "two probes per family, each family's rules against Docker's view, no dockerd --version";
}

TEST(CheckCommand, AMalformedDaemonJsonIsAWarningAndDockersDefaults) {
  test::TempRoot root;
  root.write("/etc/docker/daemon.json", "{");
  FakeRunner runner;
  const auto r = check(root, runner);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.err,
            "warning: /etc/docker/daemon.json: not a JSON object; assuming Docker's defaults\n");
}

TEST(ConfigCommand, PrintsEachValueWithItsOrigin) {
  test::TempRoot root;
  root.write("/etc/docker-firewall-guard.conf", "[guard]\nstrategy = partof\n");
  const auto r = config(root, false);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("strategy = partof  ; /etc/docker-firewall-guard.conf\n"));
  EXPECT_THAT(r.out, HasSubstr("services = docker.service  ; default\n"));
  EXPECT_THAT(r.out, HasSubstr("timeout = 90  ; default\n"));
  EXPECT_EQ(r.err, "");
}

TEST(ConfigCommand, CheckNamesFileSectionAndKey) {
  test::TempRoot root;
  root.write("/etc/docker-firewall-guard.conf.d/50-local.conf", "[hook]\ntimeout = soon\n");
  auto r = config(root, true);
  EXPECT_EQ(r.status, ExitStatus::Config);
  EXPECT_THAT(r.err,
              HasSubstr("/etc/docker-firewall-guard.conf.d/50-local.conf: [hook] timeout: "));
  EXPECT_EQ(r.out, "");

  test::TempRoot clean;
  r = config(clean, true);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.out, "ok: no config files, the defaults\n");
}

}  // namespace
}  // namespace dfg

namespace dfg {
namespace {

/// Connects to `systemd`, or fails as a machine without a system bus does.
std::function<Expected<std::unique_ptr<Systemd>>()> connect_to(FakeSystemd* systemd) {
  return [systemd]() -> Expected<std::unique_ptr<Systemd>> {
    if (systemd == nullptr) return fail("no bus");
    return std::unique_ptr<Systemd>(new ForwardingSystemd(*systemd));
  };
}

Run restart_on(test::TestHost& host, bool dry_run = false) {
  host.out.str("");
  host.err.str("");
  HostView view(host.host);
  const auto status = run_restart(view, dry_run);
  return {status, host.out.str(), host.err.str()};
}

Run restart_in(const test::TempRoot& root, FakeRunner& runner, FakeSystemd* systemd,
               bool dry_run = false) {
  test::TestHost host(root.path(), runner, connect_to(systemd));
  return restart_on(host, dry_run);
}

TEST(RestartCommand, RefusesWithoutSystemdOrDuringAnOfflineUpdate) {
  test::TempRoot root;
  FakeRunner runner;
  auto r = restart_in(root, runner, nullptr);
  EXPECT_EQ(r.status, ExitStatus::Unknown);
  EXPECT_EQ(r.out, "docker-firewall-guard: nothing done: systemd is not running\n");

  root.mkdirs("/run/systemd/system");
  root.link("/system-update", "/var/lib/system-update");
  r = restart_in(root, runner, nullptr);
  EXPECT_EQ(r.out,
            "docker-firewall-guard: nothing done: an offline update is pending or running "
            "(/system-update "
            "exists)\n");
  EXPECT_TRUE(runner.calls.empty()) << "no canary, no restart";
}

TEST(RestartCommand, RestartsThroughSystemdAndSaysSoInOneLine) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  FakeRunner runner;
  FakeSystemd systemd;
  test::flush_until_docker_restarts(runner, systemd);
  auto r = restart_in(root, runner, &systemd);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.out,
            "docker.service: restarted: Docker's rules were gone; restarted "
            "docker.service, they are back\n");
  EXPECT_THAT(systemd.calls,
              ::testing::ElementsAre("reset-failed docker.service", "try-restart docker.service"));

  // The config's dry-run holds too.
  runner.results["iptables filter"] = exited(1);
  systemd.calls.clear();
  root.write("/etc/docker-firewall-guard.conf", "[hook]\ndry-run = yes\n");
  r = restart_in(root, runner, &systemd);
  EXPECT_EQ(r.status, ExitStatus::Problem);
  EXPECT_THAT(r.out, HasSubstr("would restart docker.service (dry run)"));
  EXPECT_TRUE(systemd.calls.empty());
}

TEST(RestartCommand, TakesTurnsThroughItsLock) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  root.write("/etc/docker-firewall-guard.conf", "[hook]\ntimeout = 1\n");
  FakeRunner runner;
  FakeSystemd systemd;
  test::flush_until_docker_restarts(runner, systemd);

  // Another run holds the lock: this one waits [hook] timeout for it, then does nothing.
  test::TestHost host(root.path(), runner, connect_to(&systemd));
  auto held = host.locks.take(root.path() + "/run/docker-firewall-guard/restart-docker.lock",
                              std::chrono::milliseconds(0));
  ASSERT_TRUE(held.ok()) << held.error();
  auto r = restart_on(host);
  EXPECT_EQ(r.status, ExitStatus::Unknown);
  EXPECT_THAT(r.out, HasSubstr("nothing done: "));
  EXPECT_THAT(r.out, HasSubstr("restart-docker.lock: still held by another docker-firewall-guard"));
  EXPECT_TRUE(systemd.calls.empty()) << "nothing restarted while another run holds the lock";
  EXPECT_EQ(host.clock.slept, std::chrono::seconds(1)) << "[hook] timeout, on the test's clock";

  // Once it is released, the next run takes its turn.
  { auto released = std::move(held).value(); }
  r = restart_on(host);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(systemd.calls, Contains("try-restart docker.service"));
}

}  // namespace
}  // namespace dfg

namespace dfg {
namespace {

Run after(const test::TempRoot& root, FakeRunner& runner, FakeSystemd* systemd,
          const TransactionReport& report, unsigned* deadline = nullptr,
          std::function<std::string()> join_network = {}) {
  test::TestHost host(root.path(), runner, connect_to(systemd));
  host.host.arm_deadline = [deadline](unsigned s, const char*) {
    if (deadline != nullptr) *deadline = s;
  };
  host.host.join_systemd_network = std::move(join_network);
  HostView view(host.host);
  const auto status = run_after_transaction(view, report);
  return {status, host.out.str(), host.err.str()};
}

Run after(const test::TempRoot& root, FakeRunner& runner, FakeSystemd* systemd,
          const std::vector<std::string>& changed, unsigned* deadline = nullptr) {
  TransactionReport report;
  report.changed = changed;
  return after(root, runner, systemd, report, deadline);
}

/// A running systemd with docker.service active and Docker's IPv4 rules flushed.
struct FlushedHost {
  test::TempRoot root;
  FakeRunner runner;
  FakeSystemd systemd;
  FlushedHost() {
    root.mkdirs("/run/systemd/system");
    runner.results["iptables filter"] = exited(1);
    systemd.add("docker.service");
  }
};

TEST(AfterTransactionCommand, AnUnrelatedTransactionIsSilentAndTouchesNothing) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  FakeRunner runner;
  FakeSystemd systemd;
  unsigned deadline = 0;
  const auto r = after(root, runner, &systemd, {"kernel:upgrade", "nftables:install"}, &deadline);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(runner.calls.empty());
  EXPECT_TRUE(systemd.calls.empty());
  EXPECT_EQ(deadline, 0u) << "no deadline needed for doing nothing";
}

TEST(AfterTransactionCommand, AFirewallUpgradeRestartsDockerWhenItsRulesAreGone) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  FakeRunner runner;
  runner.results["iptables filter"] = exited(1);
  FakeSystemd systemd;
  systemd.add("docker.service");
  systemd.on_restart = [&runner] { runner.results.erase("iptables filter"); };
  unsigned deadline = 0;
  auto r = after(root, runner, &systemd, {"iptables-services:upgrade"}, &deadline);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("docker.service: restarted: "));
  EXPECT_EQ(deadline, 2 * 90u + 30);

  // Rules present: nothing to say.
  systemd.calls.clear();
  r = after(root, runner, &systemd, {"nftables:reinstall"});
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(systemd.calls.empty());
}

TEST(AfterTransactionCommand, AFirewallsUnitFileCountsAndNoBlockOnlyQueues) {
  FlushedHost host;
  auto& [root, runner, systemd] = host;
  TransactionReport report;
  report.unit_files = {"/usr/lib/systemd/system/sshd.service"};
  auto r = after(root, runner, &systemd, report);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(systemd.calls.empty()) << "no firewall's unit among them";

  report.unit_files.push_back("/usr/lib/systemd/system/iptables.service");
  report.no_block = true;
  r = after(root, runner, &systemd, report);
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("docker.service: restart queued"));
  EXPECT_THAT(systemd.calls, Not(Contains(HasSubstr("wait docker.service"))));
}

TEST(AfterTransactionCommand, OutsideSystemdsNetworkNamespaceItActsOnlyOnceItJoinedIt) {
  FlushedHost host;
  auto& [root, runner, systemd] = host;
  TransactionReport report;
  report.changed = {"iptables-services:out"};
  int joins = 0;
  auto r = after(root, runner, &systemd, report, nullptr, [&joins] {
    ++joins;
    return std::string("cannot join it: Operation not permitted");
  });
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.out,
            "docker-firewall-guard: nothing done: cannot join it: Operation not permitted\n");
  EXPECT_TRUE(runner.calls.empty()) << "no canary read in the wrong namespace";
  EXPECT_TRUE(systemd.calls.empty());

  report.changed = {"kernel:upgrade"};
  r = after(root, runner, &systemd, report, nullptr, [&joins] {
    ++joins;
    return std::string();
  });
  EXPECT_EQ(joins, 1) << "an unrelated transaction needs no namespace";
}

TEST(AfterTransactionCommand, ReportOnlyAndFailuresNeverFailTheTransaction) {
  test::TempRoot root;
  root.mkdirs("/run/systemd/system");
  root.write("/etc/docker-firewall-guard.conf", "[hook]\naction = report\n");
  FakeRunner runner;
  runner.results["iptables filter"] = exited(1);
  FakeSystemd systemd;
  systemd.add("docker.service");
  auto r = after(root, runner, &systemd, {"iptables-services:upgrade"});
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("would restart docker.service"));
  EXPECT_TRUE(systemd.calls.empty());

  root.write("/etc/docker-firewall-guard.conf", "");
  systemd.restart_error = "the restart of docker.service did not finish within 90 s";
  r = after(root, runner, &systemd, {"iptables-services:upgrade"});
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_THAT(r.out, HasSubstr("docker.service: failed: the restart of docker.service did not"));

  r = after(root, runner, nullptr, {"iptables-services:upgrade"});
  EXPECT_EQ(r.status, ExitStatus::Ok);
  EXPECT_EQ(r.out, "docker-firewall-guard: nothing done: no bus\n");
}

TEST(AfterTransactionCommand, AMalformedValueIsAUsageErrorNamingIt) {
  test::TempRoot root;
  FakeRunner runner;
  const auto r = after(root, runner, nullptr, {"iptables-services:upgrade", "nftables=upgrade"});
  EXPECT_EQ(r.status, ExitStatus::Usage);
  EXPECT_EQ(r.err, "docker-firewall-guard: --changed 'nftables=upgrade': expected NAME:ACTION\n");
}

}  // namespace
}  // namespace dfg
