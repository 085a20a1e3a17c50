#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "canary.h"
#include "config.h"
#include "docker_settings.h"
#include "docker_view.h"
#include "host.h"
#include "systemd.h"

namespace dfg {

/// Where a view learns how dockerd runs.
enum class DockerdSource {
  /// Its own command line (/proc), when systemd names its MainPID on a host that does not
  /// refuse; else its service's files.
  Process,
  /// Its service's files only: systemd is never asked (check, clear-flows).
  ServiceFiles,
};

/// What every subcommand starts from: the config, the refusals, systemd, the Docker service,
/// Docker's settings, the families to check, the canary and the deadline. Each fact is looked
/// up once, when first asked, so a subcommand pays only for what it uses; no fact depends on
/// which was asked first.
class HostView {
 public:
  /// Loads the config; nothing else is asked yet.
  explicit HostView(Host& host, DockerdSource dockerd = DockerdSource::Process);

  Host& host() { return m_host; }
  const LoadedConfig& loaded() const { return m_loaded; }
  const Config& config() const { return m_loaded.config; }
  /// The Docker service ([guard] services).
  const std::string& service() const { return m_loaded.config.service; }
  std::chrono::milliseconds timeout() const {
    return std::chrono::seconds(m_loaded.config.timeout_seconds);
  }

  /// Why nothing may be restarted on this host (a chroot, an offline update, no systemd), or
  /// "".
  const std::string& refusal();
  /// systemd, connected on first use; an error when it cannot be reached.
  Expected<Systemd*> systemd();
  /// The Docker service as systemd sees it, asked once; an error when systemd cannot say.
  const Expected<UnitStatus>& docker_unit();
  /// Docker's settings, read once, as the view's DockerdSource says: from dockerd's own
  /// command line when docker_unit() names a MainPID, else from its service's files.
  const DockerSettingsResult& docker_settings();
  /// Where dockerd's Engine API answers (DockerSettings::api_socket).
  const std::string& docker_socket();
  /// docker_settings()'s warning, if any, as "warning: ..." on the host's err.
  void warn_about_docker_settings();
  /// The families Docker manages rules for (docker_settings(), and dockerd's version when
  /// they leave IPv6 to its default).
  ManagedFamilies families();
  /// What dockerd holds now (its Engine API), asked once; an error ("cannot tell") when it
  /// does not answer within a few seconds.
  const Expected<DockerView>& docker_view();
  /// The canary over families() (its jumps), judged against what dockerd holds now
  /// (judge_settled: a disagreement must last view_settle); runs, and asks dockerd, on every
  /// call.
  CanaryResult canary();
  /// For the hooks, snapshot, restore and clear-flows, which must never hang what runs them: has
  /// the host end the process quietly (status 0, saying `message`) once it has run `timeouts`
  /// times [hook] timeout (its longest waits; two for a hook, snapshot or restore) plus 30 s for
  /// what waits on no timeout of the config (dockerd's answers, netlink dumps), when it can.
  void arm_deadline(
      unsigned timeouts = 2,
      const char* message = "docker-firewall-guard: gave up waiting; nothing failed\n");

 private:
  /// dockerd's MainPID as systemd names it, or 0 (not running, or not asked: see
  /// DockerdSource).
  std::uint32_t dockerd_pid();

  Host& m_host;
  DockerdSource m_dockerd;
  LoadedConfig m_loaded;
  std::optional<std::string> m_refusal;
  std::unique_ptr<Systemd> m_systemd;
  std::optional<std::string> m_systemd_error;
  std::optional<Expected<UnitStatus>> m_docker_unit;
  std::optional<DockerSettingsResult> m_docker_settings;
  std::optional<ManagedFamilies> m_families;
  std::optional<Expected<DockerView>> m_docker_view;
};

}  // namespace dfg
