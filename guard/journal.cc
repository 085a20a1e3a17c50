#include "journal.h"

namespace dfg {
namespace {

// syslog(3)'s priorities, as the journal takes them.
constexpr int log_warning = 4;
constexpr int log_notice = 5;
constexpr int log_info = 6;

}  // namespace

const char* const restart_message_id = "0e7cfa4f28194de8b0315b5cdf4c8259";
const char* const restore_message_id = "5a1d3e0b9c8f4c27a6e2d4b7f0c91e38";
const char* const flows_message_id = "c3b0f6e2a9d74e5b8f1a6d2c7e4b9a01";

std::string JournalEntry::field(const std::string& name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return value;
  return {};
}

JournalEntry restart_entry(const RestartOutcome& o, const std::string& firewalls) {
  int priority = log_info;
  switch (o.action) {
    case RestartAction::Restarted:
    case RestartAction::Queued:
    case RestartAction::WouldRestart: priority = log_notice; break;
    case RestartAction::Failed:
    case RestartAction::Unknown: priority = log_warning; break;
    case RestartAction::Nothing:
    case RestartAction::Waited: break;
  }
  return {to_line(o),
          restart_message_id,
          priority,
          {{"GUARDED_UNIT", o.service},
           {"FIREWALL_UNITS", firewalls},
           {"ACTION", std::string(to_string(o.action))},
           {"RULES_BEFORE", std::string(to_string(o.rules_before))},
           {"RULES_AFTER", std::string(to_string(o.rules_after))}}};
}

JournalEntry flows_entry(const std::string& message, const std::string& service, bool failed,
                         std::size_t cleared) {
  return {message,
          flows_message_id,
          failed ? log_warning : log_info,
          {{"GUARDED_UNIT", service},
           {"ACTION", failed ? "failed" : "flows cleared"},
           {"FLOWS_CLEARED", std::to_string(cleared)}}};
}

}  // namespace dfg
