#pragma once

#include <string>
#include <utility>
#include <vector>

namespace dfg {

/// One structured journal entry: MESSAGE, MESSAGE_ID, PRIORITY (syslog's numbers) and
/// fields of its own, SYSLOG_IDENTIFIER docker-firewall-guard.
struct JournalEntry {
  std::string message;
  std::string message_id;
  int priority = 6;  ///< LOG_INFO
  std::vector<std::pair<std::string, std::string>> fields;

  /// The value of `field`, or "" (for tests and readers; journal.cc).
  std::string field(const std::string& name) const;
};

/// Where the decisions' journal entries go: sd-journal in the command (system/sd_journal.h),
/// a recorder in unit tests. Sending never fails the caller: a line that mattered went to
/// stdout too.
class Journal {
 public:
  virtual ~Journal() = default;
  virtual void send(const JournalEntry& entry) = 0;
  /// Whether standard output already goes to the journal (a service's): a line journaled
  /// with fields need not be printed there too.
  virtual bool holds_stdout() const = 0;
};

}  // namespace dfg
