#include "journal.h"

#include <sys/stat.h>
#include <syslog.h>

#include <systemd/sd-journal.h>
#include <cstdio>
#include <cstdlib>

namespace dfg {

const char* const reconcile_message_id = "0e7cfa4f28194de8b0315b5cdf4c8259";

void journal_outcome(const ReconcileOutcome& o, const std::string& firewalls) {
  int priority = LOG_INFO;
  switch (o.action) {
    case ReconcileAction::Restarted:
    case ReconcileAction::Queued:
    case ReconcileAction::WouldRestart: priority = LOG_NOTICE; break;
    case ReconcileAction::Failed:
    case ReconcileAction::Unknown: priority = LOG_WARNING; break;
    case ReconcileAction::Nothing:
    case ReconcileAction::Waited: break;
  }
  const std::string message = to_line(o);
  sd_journal_send("MESSAGE=%s", message.c_str(), "MESSAGE_ID=%s", reconcile_message_id,
                  "PRIORITY=%i", priority, "SYSLOG_IDENTIFIER=docker-firewall-guard",
                  "GUARDED_UNIT=%s", o.service.c_str(), "FIREWALL_UNITS=%s", firewalls.c_str(),
                  "ACTION=%s", std::string(to_string(o.action)).c_str(), "RULES_BEFORE=%s",
                  std::string(to_string(o.rules_before)).c_str(), "RULES_AFTER=%s",
                  std::string(to_string(o.rules_after)).c_str(), nullptr);
}

bool stdout_is_journal() {
  // systemd.exec(5): JOURNAL_STREAM is "DEVICE:INODE" of the stream its stdout went to.
  const char* stream = std::getenv("JOURNAL_STREAM");
  struct stat st {};
  if (stream == nullptr || fstat(1, &st) != 0) return false;
  unsigned long long device = 0, inode = 0;
  return std::sscanf(stream, "%llu:%llu", &device, &inode) == 2 && device == st.st_dev &&
         inode == st.st_ino;
}

const char* const restore_message_id = "5a1d3e0b9c8f4c27a6e2d4b7f0c91e38";

void journal_restore(const std::string& message, const std::string& service,
                     const std::string& firewall, const std::string& action, std::size_t rules) {
  sd_journal_send("MESSAGE=%s", message.c_str(), "MESSAGE_ID=%s", restore_message_id, "PRIORITY=%i",
                  action == "restored" ? LOG_INFO : LOG_NOTICE,
                  "SYSLOG_IDENTIFIER=docker-firewall-guard", "GUARDED_UNIT=%s", service.c_str(),
                  "FIREWALL_UNIT=%s", firewall.c_str(), "ACTION=%s", action.c_str(), "RULES=%zu",
                  rules, nullptr);
}

}  // namespace dfg
