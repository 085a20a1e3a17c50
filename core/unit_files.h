#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace dfg {

/// systemd's system unit search path, most important first (systemd.unit(5)), without
/// the generator and transient directories, which this project never reads.
extern const char* const unit_search_path[5];

/// Where a unit's fragment was found, and whether it is masked.
struct UnitLookup {
  enum class State { Missing, Masked, Found };
  State state = State::Missing;
  std::string path;  ///< as seen on the host; empty when Missing
  /// When Found through a link to a file of another name: that name, the unit's own (the
  /// name was declared by Alias=, as iptables.service for netfilter-persistent.service).
  std::string alias_of;
};

/// Answers questions about unit files as systemd would see them under a root directory.
/// Reads the file system only; never talks to systemd.
class UnitFiles {
 public:
  explicit UnitFiles(std::string root = "/") : m_root(std::move(root)) {}

  /// The first entry named `unit` along the search path decides, as in systemd: a link to
  /// /dev/null (or an empty file) there masks the unit, whatever lies further down. An
  /// instance ("a@b.service") falls back to its template ("a@.service").
  UnitLookup find(std::string_view unit) const;

  /// True when a link named `unit` sits in some "*.wants/" or "*.requires/" directory
  /// of /etc/systemd/system, which is what `systemctl enable` makes.
  bool is_enabled(std::string_view unit) const;

  const std::string& root() const { return m_root; }

 private:
  std::string m_root;
};

}  // namespace dfg
