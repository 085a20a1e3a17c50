#include "config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <sstream>

#include "temp_root.h"
#include "templates.h"

namespace dfg {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> problem_strings(const LoadedConfig& loaded) {
  std::vector<std::string> out;
  for (const auto& p : loaded.problems) out.push_back(p.to_string());
  return out;
}

LoadedConfig parse(std::string_view text) {
  LoadedConfig loaded;
  apply_config_text(loaded, text, "/etc/docker-firewall-guard.conf");
  return loaded;
}

TEST(Config, DefaultsWithoutAnyFile) {
  test::TempRoot root;
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, IsEmpty());
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.service, "docker.service");
  EXPECT_THAT(loaded.config.firewalls,
              ElementsAre("iptables.service", "ip6tables.service", "nftables.service",
                          "netfilter-persistent.service", "ferm.service", "ferm-early.service"));
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
  EXPECT_TRUE(loaded.config.hook_enabled);
  EXPECT_THAT(loaded.config.packages,
              ElementsAre("iptables-services", "iptables-nft-services", "nftables",
                          "netfilter-persistent", "iptables-persistent", "ferm"));
  EXPECT_EQ(loaded.config.hook_action, HookAction::Restart);
  EXPECT_FALSE(loaded.config.dry_run);
  EXPECT_EQ(loaded.config.timeout_seconds, 90u);
  EXPECT_THAT(loaded.config.origin, IsEmpty());
}

TEST(Config, ShippedFileDocumentsTheCompiledInDefaults) {
  // Uncomment every "#key = value" line of the shipped file: the result must equal the
  // defaults, so the file never lies about them.
  std::istringstream in(templates::docker_firewall_guard);
  std::string text, line;
  while (std::getline(in, line)) {
    const bool assignment = line.size() > 1 && line[0] == '#' && line[1] != ' ' &&
                            line.find(" = ") != std::string::npos;
    text += (assignment ? line.substr(1) : line) + "\n";
  }
  const auto loaded = parse(text);
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  EXPECT_EQ(loaded.config.origin.size(), 10u) << "every key must be documented";
  const Config defaults;
  EXPECT_EQ(loaded.config.metrics_file, defaults.metrics_file);
  EXPECT_EQ(loaded.config.restore_before, defaults.restore_before);
  EXPECT_EQ(loaded.config.service, defaults.service);
  EXPECT_EQ(loaded.config.firewalls, defaults.firewalls);
  EXPECT_EQ(loaded.config.strategy, defaults.strategy);
  EXPECT_EQ(loaded.config.hook_enabled, defaults.hook_enabled);
  EXPECT_EQ(loaded.config.packages, defaults.packages);
  EXPECT_EQ(loaded.config.hook_action, defaults.hook_action);
  EXPECT_EQ(loaded.config.dry_run, defaults.dry_run);
  EXPECT_EQ(loaded.config.timeout_seconds, defaults.timeout_seconds);
}

TEST(Config, ParsesEveryKey) {
  const auto loaded = parse(
      "[guard]\n"
      "services =  moby.service \n"
      "firewalls = nftables.service\n"
      "strategy = partof   ; inline comment\n"
      "[hook]\n"
      "enabled = No\n"
      "packages = nftables iptables-services\n"
      "action = report\n"
      "dry-run = on\n"
      "timeout = 15\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  const auto& c = loaded.config;
  EXPECT_EQ(c.service, "moby.service");
  EXPECT_THAT(c.firewalls, ElementsAre("nftables.service"));
  EXPECT_EQ(c.strategy, Strategy::PartOf);
  EXPECT_FALSE(c.hook_enabled);
  EXPECT_THAT(c.packages, ElementsAre("nftables", "iptables-services"));
  EXPECT_EQ(c.hook_action, HookAction::Report);
  EXPECT_TRUE(c.dry_run);
  EXPECT_EQ(c.timeout_seconds, 15u);
  EXPECT_EQ(c.origin.at("guard.strategy"), "/etc/docker-firewall-guard.conf");
}

TEST(Config, ServicesNamesTheOneDockerService) {
  // Docker's settings, its rules and its snapshots are one daemon's: a second name is a
  // problem, and the assignment is ignored like any bad one.
  auto loaded = parse("[guard]\nservices = docker.service podman.service\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: [guard] services: names 2 services; "
                          "it takes one, the Docker daemon's (docker.service); ignored"));
  EXPECT_EQ(loaded.config.service, "docker.service");
  loaded = parse("[guard]\nservices = docker.service docker.service\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty()) << "the same name twice is one service";
  EXPECT_EQ(loaded.config.service, "docker.service");
}

TEST(Config, RestoreBeforeNamesUnitsOrNone) {
  auto loaded =
      parse("[guard]\nrestore-before = fail2ban.service crowdsec-firewall-bouncer.service\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  EXPECT_THAT(loaded.config.restore_before,
              ElementsAre("fail2ban.service", "crowdsec-firewall-bouncer.service"));
  loaded = parse("[guard]\nrestore-before =\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty()) << "empty: wait for none";
  EXPECT_THAT(loaded.config.restore_before, IsEmpty());
  loaded = parse("[guard]\nrestore-before = ../x.service\n");
  EXPECT_THAT(problem_strings(loaded), ::testing::Not(IsEmpty()));
  EXPECT_THAT(loaded.config.restore_before, ElementsAre("fail2ban.service")) << "ignored";
}

TEST(Config, EmptyListsAreRefusedWithTheWayToSayIt) {
  const auto loaded = parse("[guard]\nservices =\nfirewalls =  \n[hook]\npackages =\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: [guard] services: empty; to write "
                          "nothing, set strategy = none; ignored",
                          "/etc/docker-firewall-guard.conf: [guard] firewalls: empty; to write "
                          "nothing, set strategy = none; ignored",
                          "/etc/docker-firewall-guard.conf: [hook] packages: empty; to turn the "
                          "hooks off, set enabled = no; ignored"));
  EXPECT_EQ(loaded.config.service, Config{}.service);
  EXPECT_EQ(loaded.config.firewalls, Config{}.firewalls);
  EXPECT_EQ(loaded.config.packages, Config{}.packages);
}

TEST(Config, IndentedLinesAreRefusedNotTakenAsContinuations) {
  // inih would make the second line replace the first value: firewalls = nftables.service.
  const auto loaded = parse(
      "[guard]\n"
      "firewalls = iptables.service\n"
      "    nftables.service\n"
      "  # an indented comment is fine\n"
      "\t; so is this\n"
      "  \n"
      "  strategy = partof\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: line 3: starts with white space "
                          "(continuation lines are not supported); line ignored",
                          "/etc/docker-firewall-guard.conf: line 7: starts with white space "
                          "(continuation lines are not supported); line ignored"));
  EXPECT_THAT(loaded.config.firewalls, ElementsAre("iptables.service"));
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
}

TEST(Config, OverlongLinesAreRefusedNotCut) {
  // The longest line every inih reads whole with its newline (a cut anywhere would lose
  // "nftables.service"; inih r61 reports a line whose newline did not fit), and one
  // character more.
  const std::string head = "firewalls = iptables.service", tail = " nftables.service";
  const std::string longest = head + std::string(198 - head.size() - tail.size(), ' ') + tail;
  ASSERT_EQ(longest.size(), 198u);
  auto loaded = parse("[guard]\n" + longest + "\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  EXPECT_THAT(loaded.config.firewalls, ElementsAre("iptables.service", "nftables.service"));

  const std::string too_long = "firewalls = nftables.service" + std::string(170, ' ') + "x";
  ASSERT_EQ(too_long.size(), 199u);
  loaded = parse("[guard]\n" + too_long + "\nstrategy = partof\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: line 2: longer than 198 characters; "
                          "line ignored"));
  EXPECT_EQ(loaded.config.firewalls, Config{}.firewalls);
  EXPECT_EQ(loaded.config.strategy, Strategy::PartOf) << "the next line is read as usual";
}

TEST(Config, WindowsLineEndingsAreFine) {
  const auto loaded = parse("[guard]\r\nstrategy = partof\r\n");
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  EXPECT_EQ(loaded.config.strategy, Strategy::PartOf);
}

TEST(Config, BadValuesAreNamedAndIgnored) {
  const auto loaded = parse(
      "[guard]\n"
      "strategy = partof\n"
      "strategy = reconcile-ish\n"
      "services = ../../etc/x.service\n"
      "firewalls = iptables.service ../x.service\n"
      "[hook]\n"
      "timeout = -5\n"
      "enabled = perhaps\n"
      "packages = nftables $(reboot)\n"
      "action = reboot\n");
  EXPECT_THAT(
      problem_strings(loaded),
      ElementsAre(
          "/etc/docker-firewall-guard.conf: [guard] strategy: 'reconcile-ish' is not one of "
          "requires, partof, reconcile, none; ignored",
          "/etc/docker-firewall-guard.conf: [guard] services: '../../etc/x.service': unit "
          "name contains '/'; ignored",
          "/etc/docker-firewall-guard.conf: [guard] firewalls: '../x.service': unit name "
          "contains '/'; ignored",
          "/etc/docker-firewall-guard.conf: [hook] timeout: '-5' is not a whole number of "
          "seconds from 1 to 3600; ignored",
          "/etc/docker-firewall-guard.conf: [hook] enabled: 'perhaps' is not a boolean (yes "
          "or no); ignored",
          "/etc/docker-firewall-guard.conf: [hook] packages: '$(reboot)' is not a package "
          "name; ignored",
          "/etc/docker-firewall-guard.conf: [hook] action: 'reboot' is not one of restart, "
          "report; ignored"));
  // The good assignment before the bad one stays; the rest keep their defaults.
  EXPECT_EQ(loaded.config.strategy, Strategy::PartOf);
  EXPECT_EQ(loaded.config.service, "docker.service");
  EXPECT_EQ(loaded.config.firewalls, Config{}.firewalls);
  EXPECT_EQ(loaded.config.timeout_seconds, 90u);
  EXPECT_EQ(loaded.config.origin.count("guard.services"), 0u);
}

TEST(Config, UnitListsMustBeServices) {
  auto loaded = parse("[guard]\nservices = docker.socket\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: [guard] services: "
                          "'docker.socket': not a .service unit; ignored"));
  loaded = parse("[guard]\nfirewalls = fw@.service\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: [guard] firewalls: "
                          "'fw@.service': a template, not a unit; ignored"));
}

TEST(Config, MetricsFileIsAnAbsolutePathEndingInProm) {
  EXPECT_EQ(parse("[guard]\nmetrics-file = /var/lib/node_exporter/dfg.prom\n").config.metrics_file,
            "/var/lib/node_exporter/dfg.prom");
  EXPECT_EQ(parse("[guard]\nmetrics-file =\n").config.metrics_file, "");
  for (const auto* bad : {"dfg.prom", "/var/lib/dfg.txt", "/var/lib/../etc/x.prom", "/a b.prom"}) {
    const auto loaded = parse(std::string("[guard]\nmetrics-file = ") + bad + "\n");
    EXPECT_EQ(loaded.config.metrics_file, "") << bad;
    EXPECT_THAT(problem_strings(loaded),
                ElementsAre(::testing::HasSubstr(
                    "/etc/docker-firewall-guard.conf: [guard] metrics-file: '" + std::string(bad) +
                    "' is not an absolute path ending in .prom")));
  }
}

TEST(Config, TimeoutBounds) {
  for (const char* bad : {"0", "3601", "1.5", "90s", "", "+3", "99999999999999999999"}) {
    const auto loaded = parse(std::string("[hook]\ntimeout = ") + bad + "\n");
    EXPECT_EQ(loaded.problems.size(), 1u) << bad;
  }
  EXPECT_EQ(parse("[hook]\ntimeout = 3600\n").config.timeout_seconds, 3600u);
  EXPECT_EQ(parse("[hook]\ntimeout = 1\n").config.timeout_seconds, 1u);
}

TEST(Config, UnknownSectionsKeysAndSyntax) {
  const auto loaded = parse(
      "stray = 1\n"
      "[guard]\n"
      "Strategy = none\n"
      "[nope]\n"
      "a = 1\n"
      "b = 2\n"
      "[hook]\n"
      "no equals sign here\n");
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: 'stray' outside of any section; "
                          "ignored",
                          "/etc/docker-firewall-guard.conf: [guard] Strategy: unknown key; "
                          "ignored",
                          "/etc/docker-firewall-guard.conf: [nope]: unknown section; ignored",
                          "/etc/docker-firewall-guard.conf: line 8: syntax error; line "
                          "ignored"));
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
}

class ConfigLayers : public ::testing::Test {
 protected:
  test::TempRoot root;
};

TEST_F(ConfigLayers, EtcMainFileHidesTheOthers) {
  root.write("/usr/lib/docker-firewall-guard.conf", "[guard]\nstrategy = none\n");
  root.write("/run/docker-firewall-guard.conf", "[hook]\ntimeout = 5\n");
  root.write("/etc/docker-firewall-guard.conf", "[guard]\nstrategy = partof\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, ElementsAre("/etc/docker-firewall-guard.conf"));
  EXPECT_EQ(loaded.config.strategy, Strategy::PartOf);
  EXPECT_EQ(loaded.config.timeout_seconds, 90u);
}

TEST_F(ConfigLayers, FallsBackToRunThenUsrLib) {
  root.write("/usr/lib/docker-firewall-guard.conf", "[guard]\nstrategy = none\n");
  EXPECT_EQ(load_config(root.path()).config.strategy, Strategy::None);
  root.write("/run/docker-firewall-guard.conf", "[guard]\nstrategy = partof\n");
  EXPECT_EQ(load_config(root.path()).config.strategy, Strategy::PartOf);
}

TEST_F(ConfigLayers, MaskedMainFileMeansDefaults) {
  root.write("/usr/lib/docker-firewall-guard.conf", "[guard]\nstrategy = none\n");
  root.link("/etc/docker-firewall-guard.conf", "/dev/null");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, IsEmpty());
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
}

TEST_F(ConfigLayers, DropInsApplyInFileNameOrderAfterTheMainFile) {
  root.write("/etc/docker-firewall-guard.conf", "[hook]\ntimeout = 10\n[guard]\nstrategy = none\n");
  root.write("/usr/lib/docker-firewall-guard.conf.d/20-vendor.conf", "[hook]\ntimeout = 20\n");
  root.write("/run/docker-firewall-guard.conf.d/10-run.conf",
             "[hook]\ntimeout = 30\n[guard]\nstrategy = partof\n");
  root.write("/etc/docker-firewall-guard.conf.d/30-local.conf", "[hook]\ndry-run = yes\n");
  root.write("/etc/docker-firewall-guard.conf.d/README", "not a drop-in\n");
  root.write("/etc/docker-firewall-guard.conf.d/40-disabled.conf.rpmsave", "[x]\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, ElementsAre("/etc/docker-firewall-guard.conf",
                                        "/run/docker-firewall-guard.conf.d/10-run.conf",
                                        "/usr/lib/docker-firewall-guard.conf.d/20-vendor.conf",
                                        "/etc/docker-firewall-guard.conf.d/30-local.conf"));
  EXPECT_THAT(problem_strings(loaded), IsEmpty());
  EXPECT_EQ(loaded.config.timeout_seconds, 20u);
  EXPECT_EQ(loaded.config.strategy, Strategy::PartOf);
  EXPECT_TRUE(loaded.config.dry_run);
  EXPECT_EQ(loaded.config.origin.at("hook.timeout"),
            "/usr/lib/docker-firewall-guard.conf.d/20-vendor.conf");
  EXPECT_EQ(loaded.config.origin.at("guard.strategy"),
            "/run/docker-firewall-guard.conf.d/10-run.conf");
  EXPECT_EQ(loaded.config.origin.at("hook.dry-run"),
            "/etc/docker-firewall-guard.conf.d/30-local.conf");
}

TEST_F(ConfigLayers, SameNameInMoreImportantDirectoryWins) {
  root.write("/usr/lib/docker-firewall-guard.conf.d/50-x.conf", "[hook]\ntimeout = 20\n");
  root.write("/etc/docker-firewall-guard.conf.d/50-x.conf", "[hook]\ntimeout = 40\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, ElementsAre("/etc/docker-firewall-guard.conf.d/50-x.conf"));
  EXPECT_EQ(loaded.config.timeout_seconds, 40u);
}

TEST_F(ConfigLayers, DropInLinkedToDevNullIsSkippedAndHidesVendorFile) {
  root.write("/usr/lib/docker-firewall-guard.conf.d/50-x.conf", "[hook]\ntimeout = 20\n");
  root.link("/etc/docker-firewall-guard.conf.d/50-x.conf", "/dev/null");
  root.link("/etc/docker-firewall-guard.conf.d/60-y.conf", "/dev/null");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, IsEmpty());
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_EQ(loaded.config.timeout_seconds, 90u);
}

TEST_F(ConfigLayers, MainPathThatIsNoFileIsReportedAndSkipped) {
  root.mkdirs("/etc/docker-firewall-guard.conf");
  root.write("/usr/lib/docker-firewall-guard.conf", "[hook]\ntimeout = 5\n");
  root.write("/etc/docker-firewall-guard.conf.d/10-ok.conf", "[hook]\ndry-run = yes\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: not a regular file; ignored"));
  EXPECT_EQ(loaded.config.timeout_seconds, 90u) << "it still hides the vendor file";
  EXPECT_TRUE(loaded.config.dry_run);
}

TEST_F(ConfigLayers, UnreadableFileIsReportedAndSkipped) {
  root.write("/etc/docker-firewall-guard.conf", std::string(1024 * 1024 + 1, '#'));
  root.write("/etc/docker-firewall-guard.conf.d/10-ok.conf", "[hook]\ntimeout = 7\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf: cannot read: larger than 1 MiB; "
                          "ignored"));
  EXPECT_EQ(loaded.config.timeout_seconds, 7u);
}

TEST_F(ConfigLayers, DropInsThatAreNotFilesAreSkippedAsSystemdDoes) {
  root.write("/usr/lib/docker-firewall-guard.conf.d/10-a.conf", "[hook]\ntimeout = 10\n");
  root.write("/usr/lib/docker-firewall-guard.conf.d/20-b.conf", "[hook]\naction = report\n");
  // A dangling link and a directory hide nothing; a FIFO is never opened (it would block).
  root.link("/etc/docker-firewall-guard.conf.d/10-a.conf", "/nowhere");
  root.mkdirs("/etc/docker-firewall-guard.conf.d/20-b.conf");
  ASSERT_EQ(mkfifo((root.path() + "/etc/docker-firewall-guard.conf.d/30-c.conf").c_str(), 0600), 0);
  root.write("/etc/docker-firewall-guard.conf.d/.40-hidden.conf", "[hook]\ndry-run = yes\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(loaded.files, ElementsAre("/usr/lib/docker-firewall-guard.conf.d/10-a.conf",
                                        "/usr/lib/docker-firewall-guard.conf.d/20-b.conf"));
  EXPECT_THAT(loaded.problems, IsEmpty());
  EXPECT_FALSE(loaded.config.dry_run);
}

TEST_F(ConfigLayers, ADropInDirectoryThatIsAFileIsNamed) {
  root.write("/etc/docker-firewall-guard.conf.d", "[guard]\nstrategy = none\n");
  root.write("/usr/lib/docker-firewall-guard.conf.d/10-a.conf", "[hook]\ntimeout = 10\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf.d: not a directory; ignored"));
  EXPECT_THAT(loaded.files, ElementsAre("/usr/lib/docker-firewall-guard.conf.d/10-a.conf"));
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
}

TEST_F(ConfigLayers, FileNamesWithControlCharactersAreRefused) {
  root.write("/etc/docker-firewall-guard.conf.d/x\n[Service]\nExecStartPre=evil\n#.conf",
             "[guard]\nstrategy = partof\n");
  const auto loaded = load_config(root.path());
  EXPECT_THAT(problem_strings(loaded),
              ElementsAre("/etc/docker-firewall-guard.conf.d: a file name holds control "
                          "characters; ignored"));
  EXPECT_THAT(loaded.files, IsEmpty());
  EXPECT_EQ(loaded.config.strategy, Strategy::Requires);
}

TEST_F(ConfigLayers, ProblemsNameTheFileTheyCameFrom) {
  root.write("/etc/docker-firewall-guard.conf", "[guard]\nstrategy = bogus\n");
  root.write("/etc/docker-firewall-guard.conf.d/10-x.conf", "[hook]\ntimeout = never\n");
  const auto loaded = load_config(root.path());
  ASSERT_EQ(loaded.problems.size(), 2u);
  EXPECT_EQ(loaded.problems[0].file, "/etc/docker-firewall-guard.conf");
  EXPECT_EQ(loaded.problems[0].section, "guard");
  EXPECT_EQ(loaded.problems[0].key, "strategy");
  EXPECT_EQ(loaded.problems[1].file, "/etc/docker-firewall-guard.conf.d/10-x.conf");
  EXPECT_EQ(loaded.problems[1].key, "timeout");
}

}  // namespace
}  // namespace dfg
