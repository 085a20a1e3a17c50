#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "canary.h"
#include "clock.h"
#include "docker_view.h"
#include "family.h"
#include "process_runner.h"
#include "ruleset.h"

namespace dfg {

/// How Docker's part of one family's rules stands against what dockerd holds now.
struct ViewComparison {
  /// What dockerd holds that the rules lack, of what every layout of Docker's writes: a
  /// published port's DNAT to the container's current address, a masquerading network's
  /// MASQUERADE (or SNAT, with com.docker.network.host_ipv4). One line each.
  std::vector<std::string> missing;
  /// Docker's rules of containers and networks dockerd no longer holds: a DNAT to an
  /// address no running container has or of a port none publishes there, a rule naming a
  /// container's address that none has, or a bridge no network has. One line each.
  std::vector<std::string> stale;

  bool matches() const { return missing.empty() && stale.empty(); }
};

/// Compares `part` (docker_part of `family`'s listing) with `view`.
/// DOCKER-USER is the administrator's and never judged; DOCKER-INGRESS is swarm's, whose
/// DNATs lead to an ingress sandbox that no container list shows. Published ports on one
/// family's addresses count for that family only ("0.0.0.0" for IPv4, "::" for IPv6).
ViewComparison compare_to_view(const Ruleset& part, const DockerView& view, Family family);

/// `saved` (a snapshot's docker_part) fitted to what dockerd holds: its rules that name what
/// is gone dropped (`dropped`, and `comparison.stale` says why each went), and what dockerd
/// holds that the rest lacks (`comparison.missing`).
struct FittedRules {
  Ruleset rules;
  ViewComparison comparison;
  Ruleset dropped;  ///< the rules left out, by table (only tables that have some)
  /// Rules kept as saved that name an address dockerd lists nowhere, then or now (swarm's
  /// ingress sandbox, a host_ipv4 address, a layout the guard does not know): kept because
  /// they were Docker's when saved, and said. One line each.
  std::vector<std::string> unexplained;
};

/// Judged by what changed between `then` (dockerd's answer when the snapshot was taken) and
/// `now`: a rule is dropped only when it names what dockerd held then and holds no more (a
/// container's address, now gone or another container's; a network's bridge or subnet; a
/// published port); whatever else the snapshot holds goes back as saved, whether the guard
/// understands its layout or not. Missing is only what is new since `then` and the kept
/// rules lack: a new container's published port without its DNAT, a new network's bridge
/// that no rule names.
FittedRules fit_to_change(const Ruleset& saved, const DockerView& then, const DockerView& now,
                          Family family);

/// Without dockerd's answer of the snapshot's moment: `saved` fitted to `now` alone, by
/// compare_to_view's judgement (rules of what no running container or network has go).
FittedRules fit_to_view(const Ruleset& saved, const DockerView& view, Family family);

/// When dockerd does not answer at the restore: `saved` without the rules that name a
/// container's address (what `then` held, or, without it, any address but loopback), since
/// nothing tells whether that address is still the same container's; each is in
/// `comparison.stale`. The rest (chains, jumps, masquerading, isolation) goes back.
FittedRules hold_back_containers(const Ruleset& saved, const DockerView* then, Family family);

/// The canary that cannot be fooled by copies of old rules: `jumps` (check_docker_rules), and
/// for each family found present there, its live rules (iptables-save) compared with what
/// dockerd holds now (`view`, asked just before). A family that lacks something dockerd
/// holds, or keeps rules of containers or networks gone, is Flushed, with the first of them
/// named. Without a view (dockerd's API cannot tell), the jumps decide, and the detail says
/// so.
CanaryResult judge_by_view(CanaryResult jumps, const Expected<DockerView>& view,
                           ProcessRunner& runner);

/// How long rules and dockerd's answer may disagree for a moment, and how often dockerd is
/// asked again meanwhile. dockerd writes a starting container's rules before its API lists
/// the container, and removes a stopping one's before its API stops listing it: it stores
/// the container for its API only once it runs (moby daemon/start.go, containerStart) or
/// has stopped (daemon/monitor.go, handleContainerExit). A start takes well under a second.
constexpr std::chrono::milliseconds view_settle{3000}, view_recheck{250};

/// judge_by_view with what `ask` answers, asked again every view_recheck for up to `settle`
/// while a family the jumps find present disagrees with it: a disagreement that lasts is
/// Flushed; one that passes (a container was starting or stopping) is not.
CanaryResult judge_settled(const CanaryResult& jumps,
                           const std::function<Expected<DockerView>()>& ask, ProcessRunner& runner,
                           Clock& clock, std::chrono::milliseconds settle);

}  // namespace dfg
