#pragma once

#include <chrono>
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

/// What every subcommand starts from: the config, the refusals, systemd, the Docker service,
/// Docker's settings, the families to check, the canary and the deadline. Each fact is looked
/// up once, when first asked, so a subcommand pays only for what it uses (`check` never
/// connects to systemd).
class HostView {
 public:
  /// Loads the config; nothing else is asked yet.
  explicit HostView(Host& host);

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
  /// Docker's settings, read once: from dockerd's own command line when docker_unit() was
  /// asked before and names a MainPID, else from its service's files.
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
  /// Has the host end the process quietly after twice [hook] timeout plus 30 s (the longest
  /// waits are two timeouts), when it can.
  void arm_deadline();

 private:
  Host& m_host;
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
