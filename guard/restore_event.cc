#include "restore_event.h"

#include "journal.h"

namespace dfg {
namespace {

// syslog(3)'s priorities, as the journal takes them.
constexpr int log_warning = 4;
constexpr int log_notice = 5;
constexpr int log_info = 6;

/// A duration in ms with one decimal, as the journal's *_MS fields have it.
std::string in_ms(std::chrono::steady_clock::duration duration) {
  const auto tenths = std::chrono::duration_cast<std::chrono::microseconds>(duration).count() / 100;
  return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) out += (i == 0 ? "" : ", ") + items[i];
  return out;
}

/// "N (first: LINE)" for a long list, the lines themselves for a short one.
std::string listed(const std::vector<std::string>& items) {
  if (items.size() <= 3) return joined(items);
  return std::to_string(items.size()) + ", the first: " + items.front();
}

/// What the restore did beside putting rules back, said after the count.
std::string notes(const RestoreEvent& e) {
  std::string out;
  if (!e.judged_by.empty()) out += "; judged " + e.judged_by;
  if (!e.dropped.empty())
    out += "; left out " + std::to_string(e.dropped.size()) +
           " of containers, ports or networks Docker no longer holds";
  if (!e.held_back.empty())
    out += "; held back " + std::to_string(e.held_back.size()) +
           " rules naming containers' addresses, since dockerd did not answer (the first: " +
           e.held_back.front() + ")";
  if (!e.unexplained.empty())
    out += "; kept as saved, naming what dockerd lists nowhere: " + listed(e.unexplained);
  if (!e.in_place.empty()) out += "; in place already, not rewritten: " + joined(e.in_place);
  if (!e.left_to_owners.empty())
    out += "; left to their owners (their chains are gone until they start again): " +
           joined(e.left_to_owners);
  if (!e.flows_error.empty())
    out += "; connection tracking not cleared: " + e.flows_error;
  else if (e.flows_cleared.value_or(0) > 0)
    out += "; deleted " + std::to_string(*e.flows_cleared) +
           " connection-tracking entries of connections that left without NAT";
  return out;
}

}  // namespace

std::string to_string(RestoreEvent::Action action, RestartAction fallback) {
  switch (action) {
    case RestoreEvent::Action::Restored: return "restored";
    case RestoreEvent::Action::WouldRestore: return "would restore";
    case RestoreEvent::Action::FellBack: break;
  }
  return std::string(to_string(fallback));
}

std::string to_line(const RestoreEvent& e) {
  switch (e.action) {
    case RestoreEvent::Action::Restored:
      return "restore: put back " + std::to_string(e.put_back) + " of Docker's rules after " +
             e.firewall + notes(e);
    case RestoreEvent::Action::WouldRestore:
      return "restore: would put back " + std::to_string(e.put_back) + " of Docker's rules after " +
             e.firewall + notes(e) + " (dry run)";
    case RestoreEvent::Action::FellBack: break;
  }
  std::string line = "restore: " + e.why_not + "; " + to_line(e.fallback);
  if (!e.stopped_for_good.empty())
    line += "; with live-restore off, Docker's restart stops for good (no restart policy): " +
            joined(e.stopped_for_good);
  else if (!e.stopped_unknown.empty())
    line += "; which containers the restart stops for good cannot be told: " + e.stopped_unknown;
  return line;
}

JournalEntry journal_entry(const RestoreEvent& e) {
  int priority = log_notice;
  if (e.action == RestoreEvent::Action::Restored) priority = log_info;
  if (!e.held_back.empty() ||
      (e.action == RestoreEvent::Action::FellBack &&
       (e.fallback.action == RestartAction::Unknown || e.fallback.action == RestartAction::Failed)))
    priority = log_warning;
  JournalEntry entry{to_line(e),
                     restore_message_id,
                     priority,
                     {{"GUARDED_UNIT", e.service},
                      {"FIREWALL_UNIT", e.firewall},
                      {"ACTION", to_string(e.action, e.fallback.action)},
                      {"RULES", std::to_string(e.put_back)},
                      {"RULES_DROPPED", std::to_string(e.dropped.size())},
                      {"RULES_HELD_BACK", std::to_string(e.held_back.size())},
                      {"RULES_UNEXPLAINED", std::to_string(e.unexplained.size())},
                      {"RULES_LEFT_TO_OWNERS", std::to_string(e.left_to_owners.size())}}};
  auto& f = entry.fields;
  if (e.flows_cleared) f.emplace_back("FLOWS_CLEARED", std::to_string(*e.flows_cleared));
  if (!e.stopped_for_good.empty()) f.emplace_back("STOPPED_FOR_GOOD", joined(e.stopped_for_good));
  if (e.action == RestoreEvent::Action::Restored) {
    f.emplace_back("READY_MS", in_ms(e.times.ready));
    f.emplace_back("ASK_MS", in_ms(e.times.ask));
    f.emplace_back("SAVE_MS", in_ms(e.times.save));
    f.emplace_back("WRITE_MS", in_ms(e.times.write));
    f.emplace_back("FLOWS_MS", in_ms(e.times.flows));
  }
  if (e.times.put_back_at) f.emplace_back("PUT_BACK_MS", in_ms(*e.times.put_back_at));
  if (e.times.total) f.emplace_back("DURATION_MS", in_ms(*e.times.total));
  return entry;
}

}  // namespace dfg
