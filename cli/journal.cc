#include "journal.h"

#include <syslog.h>
#include <systemd/sd-journal.h>

namespace dfg {

const char* const reconcile_message_id = "0e7cfa4f28194de8b0315b5cdf4c8259";

void journal_outcome(const ReconcileOutcome& o, const std::string& firewalls) {
  int priority = LOG_INFO;
  switch (o.action) {
    case ReconcileAction::Restarted:
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

}  // namespace dfg
