#pragma once

#include "journal_sink.h"

namespace dfg {

/// The system journal (sd_journal_sendv(3)), SYSLOG_IDENTIFIER docker-firewall-guard. A
/// journal that cannot be reached is not an error: the line went to stdout too.
class SdJournal : public Journal {
 public:
  void send(const JournalEntry& entry) override;
  /// systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream stdout went to.
  bool holds_stdout() const override;
};

}  // namespace dfg
