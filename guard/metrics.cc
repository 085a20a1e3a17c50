#include "metrics.h"

#include <chrono>
#include <cstdio>
#include <exception>
#include <map>
#include <sstream>
#include <string>

#include "fs.h"
#include "host.h"
#include "runtime_dir.h"

namespace dfg {
namespace {

constexpr std::string_view prefix = "docker_firewall_guard_";

struct Metric {
  const char* name;
  const char* type;
  const char* help;
};
constexpr Metric metrics[] = {
    {"docker_firewall_guard_restores_total", "counter",
     "Restores and fallbacks of strategy reconcile, by firewall unit and action."},
    {"docker_firewall_guard_rules_restored_total", "counter",
     "Docker's rules put back by restores, by firewall unit."},
    {"docker_firewall_guard_flows_cleared_total", "counter",
     "Connection-tracking entries of connections that left without Docker's NAT, deleted."},
    {"docker_firewall_guard_last_restore_seconds", "gauge",
     "How long the last restore of each firewall unit took, its settling included."},
    {"docker_firewall_guard_last_put_back_seconds", "gauge",
     "From the start of the last restore of each firewall unit until the rules were back."},
    {"docker_firewall_guard_last_restore_ok", "gauge",
     "1 when the last restore of each firewall unit put the rules back without restarting "
     "Docker, 0 otherwise."},
};

std::string label_value(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\' || c == '"') out += '\\';
    out += c == '\n' ? std::string("\\n") : std::string(1, c);
  }
  return out;
}

std::string series(const char* name, const char* label, const std::string& value) {
  return std::string(name) + "{" + label + "=\"" + label_value(value) + "\"}";
}

std::string series(const char* name, const std::string& firewall, const std::string& action) {
  return std::string(name) + "{firewall=\"" + label_value(firewall) + "\",action=\"" +
         label_value(action) + "\"}";
}

double number(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stod(text);
  } catch (const std::exception&) {
    return 0;
  }
}

std::string format(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.15g", value);
  return text;
}

double in_seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

}  // namespace

EventCost cost_of(const RestoreEvent& e) {
  EventCost cost;
  cost.firewall = e.firewall;
  cost.action = e.action;
  cost.fallback = e.fallback.action;
  cost.rules = e.put_back;
  cost.flows_cleared = e.flows_cleared.value_or(0);
  if (e.times.total) cost.seconds = in_seconds(*e.times.total);
  if (e.times.put_back_at) cost.put_back_seconds = in_seconds(*e.times.put_back_at);
  return cost;
}

std::string add_to_metrics(std::string_view old_text, const EventCost& cost) {
  // series -> value, from the old file: only this program's metrics.
  std::map<std::string, double> values;
  std::istringstream lines{std::string(old_text)};
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#' || line.compare(0, prefix.size(), prefix) != 0) continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    values[line.substr(0, space)] = number(line.substr(space + 1));
  }

  if (cost.kind == EventCost::Kind::Restore) {
    const auto& firewall = cost.firewall;
    values[series("docker_firewall_guard_restores_total", firewall,
                  to_string(cost.action, cost.fallback))] += 1;
    values[series("docker_firewall_guard_rules_restored_total", "firewall", firewall)] +=
        static_cast<double>(cost.rules);
    values[series("docker_firewall_guard_flows_cleared_total", "by", "restore")] +=
        static_cast<double>(cost.flows_cleared);
    values[series("docker_firewall_guard_last_restore_ok", "firewall", firewall)] =
        cost.action == RestoreEvent::Action::Restored ? 1 : 0;
    if (cost.seconds)
      values[series("docker_firewall_guard_last_restore_seconds", "firewall", firewall)] =
          *cost.seconds;
    if (cost.put_back_seconds)
      values[series("docker_firewall_guard_last_put_back_seconds", "firewall", firewall)] =
          *cost.put_back_seconds;
  } else {
    values[series("docker_firewall_guard_flows_cleared_total", "by", "docker start")] +=
        static_cast<double>(cost.flows_cleared);
  }

  std::string out;
  for (const auto& metric : metrics) {
    const std::string name = metric.name;
    std::string samples;
    for (const auto& [key, value] : values)
      if (key.compare(0, name.size() + 1, name + "{") == 0)
        samples += key + " " + format(value) + "\n";
    if (samples.empty()) continue;
    out += "# HELP " + name + " " + metric.help + "\n# TYPE " + name + " " + metric.type + "\n" +
           samples;
  }
  return out;
}

void record_metrics(Host& host, const std::string& path, const EventCost& cost) {
  if (path.empty()) return;
  const auto full = join_root(host.root, path);
  const auto slash = full.rfind('/');
  const auto lock =
      host.locks.take(join_root(host.root, runtime::metrics_lock), std::chrono::seconds(5));
  if (!lock) {
    host.err << "metrics: " << path << " not written: " << lock.error() << "\n";
    return;
  }
  const auto old = read_file(full);
  const auto written = write_file_atomic(full.substr(0, slash), full.substr(slash + 1),
                                         add_to_metrics(old ? old.value() : "", cost));
  if (!written) host.err << "metrics: " << path << " not written: " << written.error() << "\n";
}

void report_event(Host& host, const std::string& path, const JournalEntry& entry,
                  const EventCost& cost) {
  host.journal.send(entry);
  record_metrics(host, path, cost);
}

}  // namespace dfg
