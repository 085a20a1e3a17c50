#include "sd_journal.h"

#include <sys/stat.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace dfg {

void SdJournal::send(const JournalEntry& entry) {
  std::vector<std::string> lines{"MESSAGE=" + entry.message, "MESSAGE_ID=" + entry.message_id,
                                 "PRIORITY=" + std::to_string(entry.priority),
                                 "SYSLOG_IDENTIFIER=docker-firewall-guard"};
  for (const auto& [key, value] : entry.fields) lines.push_back(key + "=" + value);
  std::vector<iovec> iov;
  for (auto& line : lines) iov.push_back({line.data(), line.size()});
  sd_journal_sendv(iov.data(), static_cast<int>(iov.size()));
}

bool SdJournal::holds_stdout() const {
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (stream == nullptr || fstat(1, &st) != 0) return false;
  unsigned long long device = 0, inode = 0;
  return std::sscanf(stream, "%llu:%llu", &device, &inode) == 2 && device == st.st_dev &&
         inode == st.st_ino;
}

}  // namespace dfg
