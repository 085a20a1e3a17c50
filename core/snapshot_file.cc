#include "snapshot_file.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

namespace dfg {
namespace {

constexpr std::string_view header = "docker-firewall-guard snapshot 1";

Expected<Snapshot> bad(std::size_t line, const std::string& message) {
  return fail("line " + std::to_string(line) + ": " + message);
}

template <typename T>
bool parse_number(std::string_view text, T& value) {
  const auto end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  return ec == std::errc() && ptr == end && !text.empty();
}

/// The first chain or rule of `rules` that is not Docker's (see docker_part), as ":CHAIN" or
/// "-A CHAIN SPEC" after "-t TABLE", or "". A snapshot holds only Docker's part; the restore
/// would empty any other chain it declares and put any other rule into a built-in chain, so
/// a file that holds more was altered and is refused.
std::string first_foreign_rule(const Ruleset& rules) {
  const auto part = docker_part(rules);
  for (const auto& table : rules.tables) {
    for (const auto& chain : table.chains) {
      if (!chain.builtin() && !is_docker_chain(chain.name))
        return "-t " + table.name + " :" + chain.name;
    }
    std::multiset<std::string> docker;  // each of Docker's rules, once per copy
    if (const Table* kept = find_table(part, table.name))
      for (const auto& rule : kept->rules) docker.insert(rule.chain + " " + rule.spec);
    for (const auto& rule : table.rules) {
      const auto found = docker.find(rule.chain + " " + rule.spec);
      if (found == docker.end()) return "-t " + table.name + " -A " + rule.chain + " " + rule.spec;
      docker.erase(found);
    }
  }
  return {};
}

/// "after TABLE CHAIN N SPEC" for each saved rule of a built-in chain that followed one of
/// the firewall's, "others TABLE CHAIN" for each chain of others its rules jump to.
std::string render_places(const Ruleset& rules) {
  std::string text;
  for (const auto& table : rules.tables) {
    std::map<std::string, std::size_t> nth;
    for (const auto& rule : table.rules) {
      const auto n = ++nth[rule.chain];
      if (!rule.after.empty())
        text += "after " + table.name + " " + rule.chain + " " + std::to_string(n) + " " +
                std::to_string(rule.after_copy) + " " + rule.after + "\n";
    }
    for (const auto& chain : table.others) text += "others " + table.name + " " + chain + "\n";
  }
  return text;
}

/// Applies one "after" or "others" line (`words`: what follows the key) to `rules`; false
/// when it names no such table, chain or rule.
bool apply_place(Ruleset& rules, bool after, std::string_view line) {
  auto next = [&] {
    const auto space = std::min(line.find(' '), line.size());
    const auto word = std::string(line.substr(0, space));
    line.remove_prefix(std::min(space + 1, line.size()));
    return word;
  };
  const auto table_name = next();
  const auto chain = next();
  auto table = std::find_if(rules.tables.begin(), rules.tables.end(),
                            [&](const Table& t) { return t.name == table_name; });
  if (table == rules.tables.end() || chain.empty()) return false;
  if (!after) {
    table->others.push_back(chain);
    return line.empty();
  }
  std::size_t n = 0, copy = 0;
  if (!parse_number(next(), n) || !parse_number(next(), copy) || n == 0 || copy == 0 ||
      line.empty())
    return false;
  for (auto& rule : table->rules)
    if (rule.chain == chain && --n == 0) {
      rule.after = std::string(line);
      rule.after_copy = copy;
      return true;
    }
  return false;
}

}  // namespace

std::string render_snapshot(const Snapshot& s) {
  std::string text(header);
  text += "\nfirewall " + s.firewall + "\ndockerd " + std::to_string(s.dockerd_pid) + " " +
          std::to_string(s.dockerd_start) + "\ntaken " + std::to_string(s.taken_ms) + "\n";
  for (const auto& line : s.held) text += "held " + line + "\n";
  for (const auto& [family, rules] : s.families)
    text += "family " + family + "\n" + to_text(rules) + render_places(rules);
  return text + "end\n";
}

Expected<Snapshot> parse_snapshot(std::string_view text) {
  Snapshot s;
  std::size_t number = 0;
  std::string rules_text;                                   // the current family's lines
  std::size_t rules_line = 0;                               // where they start
  std::vector<std::pair<std::size_t, std::string>> places;  // its after and others lines
  bool ended = false, have_dockerd = false, have_taken = false;
  // Parses the family's lines; an error names the line of the file.
  auto close_family = [&]() -> Expected<Ok> {
    if (s.families.empty()) return Ok{};
    auto parsed = parse_ruleset(rules_text);
    if (!parsed) {
      std::size_t inner = 0;
      const auto& message = parsed.error();  // "line N: what"
      const auto colon = message.find(": ");
      parse_number(std::string_view(message).substr(5, colon - 5), inner);
      return fail("line " + std::to_string(rules_line + inner - 1) + ": " +
                  s.families.back().first + " rules: " + message.substr(colon + 2));
    }
    if (const auto foreign = first_foreign_rule(parsed.value()); !foreign.empty()) {
      return fail("line " + std::to_string(rules_line) + ": " + s.families.back().first +
                  " rules: not only Docker's: " + foreign.substr(0, 120));
    }
    auto rules = std::move(parsed).value();
    for (const auto& [at, line] : places) {
      const bool after = line.rfind("after ", 0) == 0;
      if (!apply_place(rules, after, std::string_view(line).substr(after ? 6 : 7)))
        return fail("line " + std::to_string(at) +
                    ": names no saved table, chain or rule: " + line.substr(0, 80));
    }
    places.clear();
    s.families.back().second = std::move(rules);
    return Ok{};
  };
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return bad(number + 1, "the file ends inside a line");
    const auto line = text.substr(0, end);
    text.remove_prefix(end + 1);
    ++number;
    if (ended) return bad(number, "text after the end");
    if (number == 1) {
      if (line != header) return bad(1, "not a docker-firewall-guard snapshot (version 1)");
      continue;
    }
    const auto space = line.find(' ');
    const auto key = line.substr(0, space);
    const auto value =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (!s.families.empty() && (key == "after" || key == "others") && !value.empty()) {
      places.emplace_back(number, std::string(line));
      continue;
    }
    if (!s.families.empty() && key != "family" && key != "end") {
      if (!places.empty()) return bad(number, "a rule after the places of the rules");
      rules_text.append(line).append("\n");
      continue;
    }
    if (key == "held" && !value.empty()) {
      if (!s.families.empty()) return bad(number, "held after the rules");
      s.held.emplace_back(value);
      continue;
    }
    if (key == "firewall" && !value.empty()) {
      s.firewall = std::string(value);
    } else if (key == "dockerd") {
      const auto split = value.find(' ');
      if (split == std::string_view::npos || !parse_number(value.substr(0, split), s.dockerd_pid) ||
          !parse_number(value.substr(split + 1), s.dockerd_start))
        return bad(number, "dockerd needs a process id and a start time");
      have_dockerd = true;
    } else if (key == "taken") {
      if (!parse_number(value, s.taken_ms)) return bad(number, "taken needs a time in ms");
      have_taken = true;
    } else if (key == "family" && (value == "IPv4" || value == "IPv6")) {
      if (auto closed = close_family(); !closed) return fail(closed);
      s.families.push_back({std::string(value), {}});
      rules_text.clear();
      rules_line = number + 1;
    } else if (key == "end" && value.empty()) {
      if (auto closed = close_family(); !closed) return fail(closed);
      ended = true;
    } else {
      return bad(number, "unexpected: " + std::string(line.substr(0, 80)));
    }
  }
  if (number == 0) return bad(1, "empty");
  if (!ended) return bad(number, "truncated: no end line");
  if (s.firewall.empty() || !have_dockerd || !have_taken)
    return bad(number, "firewall, dockerd or taken is missing");
  return s;
}

}  // namespace dfg
