#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "clock.h"
#include "docker_view.h"
#include "error.h"
#include "process_runner.h"
#include "snapshot_file.h"

namespace dfg {

/// Puts a snapshot back: per family, the tables as they are now (iptables-save), then one
/// `iptables-restore --wait=5 --noflush` with plan_restore's scripts of every table on its
/// standard input, each table committed whole (iptables-nft too commits per table, not the
/// whole input at once). Returns the number of rules written, or an
/// error naming the family and tables with iptables-restore's own message. Tables committed
/// before a failed one stay restored; tables that hold it all already are left alone
/// (`in_place`). With `view` (dockerd answered), Docker's rules
/// there now that name what dockerd no longer holds are deleted too. With `dry_run`, counts
/// what it would write and runs no iptables-restore.
struct Restored {
  /// Rules written per table, "IPv4 nat": a table written again counts once, as last written.
  std::map<std::string, std::size_t> written;
  std::size_t total() const {
    std::size_t sum = 0;
    for (const auto& [table, count] : written) sum += count;
    return sum;
  }
  /// Rules left to their owners (plan_restore's left_out), "IPv4 filter -A DOCKER-USER ...".
  std::vector<std::string> left_out;
  /// Tables that held every rule already, not rewritten: "IPv4 nat".
  std::vector<std::string> in_place;
  /// Time spent reading the tables (iptables-save) and writing them (iptables-restore).
  std::chrono::steady_clock::duration saving{}, writing{};
};
Expected<Restored> restore_snapshot(ProcessRunner& runner, Clock& clock, const Snapshot& snapshot,
                                    const DockerView* view, bool dry_run = false);

}  // namespace dfg
