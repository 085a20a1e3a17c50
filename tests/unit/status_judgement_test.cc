#include "status_judgement.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace dfg {
namespace {

using ::testing::HasSubstr;

/// A host with iptables.service enabled and bound, docker.service active, the default
/// strategy, and Docker's rules present.
StatusReport protected_host() {
  StatusReport r;
  r.plan.firewalls = {
      {"iptables.service", true, "enabled, /usr/lib/systemd/system/iptables.service"},
      {"nftables.service", false, "installed but not enabled"}};
  r.plan.dropins = {{"docker.service", "..."}};
  ServiceReport s;
  s.name = "docker.service";
  s.unit.load_state = "loaded";
  s.unit.active_state = "active";
  s.unit.sub_state = "running";
  s.unit.requires_units = {"iptables.service", "docker.socket"};
  s.unit.after = {"network-online.target", "iptables.service"};
  s.unit.drop_in_paths = {"/run/systemd/generator/docker.service.d/50-docker-firewall-guard.conf"};
  s.dropin_expected = s.dropin_loaded = true;
  s.bound = {"iptables.service"};
  r.service = s;
  r.firewalls["iptables.service"].active_state = "active";
  r.rules = {
      {{Family::IPv4, RulesState::Present, ""}, {Family::IPv6, RulesState::NotManaged, "off"}}};
  return r;
}

TEST(Status, ProtectedHostSaysWhyAndAdvisesLiveRestore) {
  auto r = protected_host();
  judge(r);
  EXPECT_EQ(r.protection, Protection::Yes);
  EXPECT_EQ(r.reason, "docker.service restarts with iptables.service (strategy requires)");
  EXPECT_EQ(exit_status(r), ExitStatus::Ok);
  EXPECT_THAT(r.advice, ::testing::Contains(HasSubstr("live-restore is off")));
  const auto text = render_text(r);
  EXPECT_THAT(text, HasSubstr("Protected: yes - docker.service restarts with iptables.service"));
  EXPECT_THAT(text, HasSubstr("docker.service: active (running); drop-in loaded; "
                              "Requires=iptables.service; After=iptables.service\n"));
  EXPECT_THAT(text, HasSubstr("Firewalls: iptables.service active, bound; nftables.service ?, "
                              "not bound (installed but not enabled);"));

  r.docker.settings.live_restore = true;
  judge(r);
  EXPECT_THAT(r.advice, ::testing::Not(::testing::Contains(HasSubstr("live-restore"))));
}

TEST(Status, AMaskedOrUnitlessDockerIsNotProtected) {
  auto r = protected_host();
  r.service->unit.load_state = "masked";
  judge(r);
  EXPECT_EQ(r.protection, Protection::No);
  EXPECT_EQ(r.reason, "docker.service is masked: nothing restarts it");
  r.service->unit.load_state = "not-found";
  judge(r);
  EXPECT_EQ(r.reason, "docker.service runs without its unit (not-found): nothing restarts it");
  r.service->unit.active_state = "inactive";  // Docker not installed: nothing to say of it
  judge(r);
  EXPECT_EQ(r.protection, Protection::Yes);
}

TEST(Status, ADropInSystemdHasNotLoadedIsNotProtection) {
  auto r = protected_host();
  r.service->dropin_loaded = false;
  r.service->bound.clear();
  judge(r);
  EXPECT_EQ(r.protection, Protection::No);
  EXPECT_EQ(r.reason,
            "docker.service has not loaded the guard's drop-in: run systemctl daemon-reload");
  EXPECT_EQ(exit_status(r), ExitStatus::Problem);
  EXPECT_THAT(render_text(r), HasSubstr("iptables.service active, enabled but not bound yet;"));
  const auto j = nlohmann::json::parse(render_json(r));
  EXPECT_EQ(j["firewalls"][0]["bound"], false);
  EXPECT_EQ(j["firewalls"][0]["to_bind"], true);
}

TEST(Status, Docker29sNftablesBackendIsReportedNotGuarded) {
  auto r = protected_host();
  r.docker.settings.firewall_backend = "nftables";
  r.docker.settings.firewall_backend_origin = "/etc/docker/daemon.json";
  r.rules = {{{Family::IPv4, RulesState::NotManaged, "Docker's firewall backend is nftables"},
              {Family::IPv6, RulesState::NotManaged, "Docker's firewall backend is nftables"}}};
  judge(r);
  EXPECT_EQ(r.protection, Protection::No);
  EXPECT_EQ(r.reason,
            "/etc/docker/daemon.json sets Docker's firewall backend to nftables, which "
            "docker-firewall-guard does not support yet: it leaves Docker alone, and nothing "
            "keeps Docker's rules across a flush");
  EXPECT_EQ(exit_status(r), ExitStatus::Problem);
}

TEST(Status, StrategyNoneIsNotProtectionAndNoFirewallIsNothingToGuard) {
  auto r = protected_host();
  r.config.config.strategy = Strategy::None;
  judge(r);
  EXPECT_EQ(r.protection, Protection::No);
  EXPECT_THAT(r.reason, HasSubstr("strategy is none"));

  r = protected_host();
  r.plan.firewalls[0].to_bind = false;
  r.plan.dropins.clear();
  r.service->dropin_expected = false;
  judge(r);
  EXPECT_EQ(r.protection, Protection::Yes);
  EXPECT_THAT(r.reason, HasSubstr("nothing to guard against"));
}

TEST(Status, FlushedRulesAreAProblemWithAdviceWhileDockerRuns) {
  auto r = protected_host();
  r.rules.families[0].state = RulesState::Flushed;
  judge(r);
  EXPECT_EQ(exit_status(r), ExitStatus::Problem);
  EXPECT_THAT(r.advice, ::testing::Contains(HasSubstr("run docker-firewall-guard restart-docker")));

  r.service->unit.active_state = "inactive";
  judge(r);
  EXPECT_EQ(exit_status(r), ExitStatus::Ok) << "a stopped Docker writes its rules when it starts";
  EXPECT_THAT(
      r.advice,
      ::testing::Not(::testing::Contains(HasSubstr("run docker-firewall-guard restart-docker"))));
}

TEST(Status, ReconcileNeedsItsCompanionsRunning) {
  auto r = protected_host();
  r.config.config.strategy = Strategy::Reconcile;
  judge(r);
  EXPECT_EQ(r.protection, Protection::No);
  EXPECT_EQ(r.reason,
            "docker-firewall-guard-before-iptables.service is not running: run systemctl start "
            "docker-firewall-guard-before-iptables.service (or restart iptables.service)");
  r.companions["docker-firewall-guard-before-iptables.service"].job_type = "start";
  judge(r);
  EXPECT_EQ(r.protection, Protection::No) << "a queued start has saved nothing yet";
  EXPECT_EQ(r.reason,
            "docker-firewall-guard-before-iptables.service is starting: protected once it has run");
  r.companions["docker-firewall-guard-before-iptables.service"] = {};
  r.companions["docker-firewall-guard-before-iptables.service"].active_state = "active";
  r.companions["docker-firewall-guard-after-iptables.service"].active_state = "active";
  judge(r);
  EXPECT_EQ(r.protection, Protection::Yes);
  EXPECT_EQ(r.reason,
            "docker.service keeps its rules across iptables.service (strategy reconcile)");
  EXPECT_THAT(r.advice, ::testing::Not(::testing::Contains(HasSubstr("live-restore"))))
      << "no container restarts: live-restore is not needed";
  EXPECT_THAT(render_text(r), HasSubstr("docker.service: active (running); drop-in loaded; "
                                        "After=iptables.service\n"));
}

TEST(Status, WithoutSystemdItCannotTell) {
  auto r = protected_host();
  r.service.reset();
  r.systemd_error = "systemd is not running";
  judge(r);
  EXPECT_EQ(r.protection, Protection::Unknown);
  EXPECT_EQ(exit_status(r), ExitStatus::Unknown);
}

TEST(Status, JsonCarriesTheSameFacts) {
  auto r = protected_host();
  r.config.problems.push_back({"/etc/docker-firewall-guard.conf", "hook", "timeout", "bad"});
  judge(r);
  const auto j = nlohmann::json::parse(render_json(r));
  EXPECT_EQ(j["protected"], "yes");
  EXPECT_EQ(j["config"]["strategy"], "requires");
  EXPECT_EQ(j["config"]["problems"][0], "/etc/docker-firewall-guard.conf: [hook] timeout: bad");
  EXPECT_EQ(j["services"][0]["dropin_loaded"], true);
  EXPECT_EQ(j["services"][0]["bound_firewalls"][0], "iptables.service");
  EXPECT_EQ(j["firewalls"][0]["active_state"], "active");
  EXPECT_TRUE(j["firewalls"][1]["active_state"].is_null());
  EXPECT_EQ(j["rules"]["state"], "present");
  EXPECT_TRUE(j["docker"]["ip6tables"].is_null());
  EXPECT_TRUE(j["systemd_error"].is_null());
  EXPECT_FALSE(j["advice"].empty());
}

}  // namespace
}  // namespace dfg
