#include "snapshot_file.h"

#include <algorithm>
#include <charconv>
#include <map>
#include <set>

#include "fs.h"
#include "runtime_dir.h"

namespace dfg {
namespace {

constexpr std::string_view header = "docker-firewall-guard snapshot 1";

Failure bad(std::size_t line, const std::string& message) {
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

/// The places lines of a family ("after ..." or "others ..."), each with its line number.
using Places = std::vector<std::pair<std::size_t, std::string>>;

/// Applies `places` to `rules`; an error names the first line that names no saved table,
/// chain or rule.
Expected<Ok> apply_places(Ruleset& rules, const Places& places) {
  for (const auto& [at, line] : places) {
    const bool after = line.rfind("after ", 0) == 0;
    if (!apply_place(rules, after, std::string_view(line).substr(after ? 6 : 7)))
      return bad(at, "names no saved table, chain or rule: " + line.substr(0, 80));
  }
  return Ok{};
}

/// A family's rules, `text` in iptables-save's format from line `first` of the file on,
/// parsed; an error names the line of the file.
Expected<Ruleset> parse_family_rules(Family family, const std::string& text, std::size_t first) {
  auto parsed = parse_ruleset(text);
  if (!parsed) {
    std::size_t inner = 0;
    const auto& message = parsed.error();  // "line N: what"
    const auto colon = message.find(": ");
    parse_number(std::string_view(message).substr(5, colon - 5), inner);
    return bad(first + inner - 1, family_name(family) + " rules: " + message.substr(colon + 2));
  }
  if (const auto foreign = first_foreign_rule(parsed.value()); !foreign.empty())
    return bad(first, family_name(family) + " rules: not only Docker's: " + foreign.substr(0, 120));
  return parsed;
}

/// parse_snapshot's reader, one line at a time: the keys, then each family's rules and the
/// places of its rules, parsed when the next family or the end comes.
class Reader {
 public:
  /// Reads line `number` (the header's is 1).
  Expected<Ok> read(std::size_t number, std::string_view line) {
    m_number = number;
    if (m_ended) return bad(number, "text after the end");
    if (number == 1) {
      if (line != header) return bad(1, "not a docker-firewall-guard snapshot (version 1)");
      return Ok{};
    }
    const auto space = line.find(' ');
    const auto key = line.substr(0, space);
    const auto value =
        space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
    if (!m_snapshot.families.empty() && key != "family" && key != "end")
      return read_rule(key, value, line);
    return read_key(key, value, line);
  }

  /// The snapshot, once all `lines` are read.
  Expected<Snapshot> finish(std::size_t lines) {
    if (lines == 0) return bad(1, "empty");
    if (!m_ended) return bad(lines, "truncated: no end line");
    if (m_snapshot.firewall.empty() || !m_have_dockerd || !m_have_taken)
      return bad(lines, "firewall, dockerd or taken is missing");
    return std::move(m_snapshot);
  }

 private:
  /// A line of a family's: a rule in iptables-save's format, or a place of one.
  Expected<Ok> read_rule(std::string_view key, std::string_view value, std::string_view line) {
    if ((key == "after" || key == "others") && !value.empty()) {
      m_places.emplace_back(m_number, std::string(line));
      return Ok{};
    }
    if (!m_places.empty()) return bad(m_number, "a rule after the places of the rules");
    m_rules_text.append(line).append("\n");
    return Ok{};
  }

  /// A "key value" line: before the rules, or a family's or the end's.
  Expected<Ok> read_key(std::string_view key, std::string_view value, std::string_view line) {
    if (key == "held" && !value.empty()) {
      m_snapshot.held.emplace_back(value);
      return Ok{};
    }
    if (key == "firewall" && !value.empty()) {
      m_snapshot.firewall = std::string(value);
      return Ok{};
    }
    if (key == "dockerd") return read_dockerd(value);
    if (key == "taken") {
      if (!parse_number(value, m_snapshot.taken_ms))
        return bad(m_number, "taken needs a time in ms");
      m_have_taken = true;
      return Ok{};
    }
    if (const auto family = parse_family(value); key == "family" && family) {
      if (auto closed = close_family(); !closed) return closed;
      m_snapshot.families.push_back({*family, {}});
      m_rules_text.clear();
      m_rules_line = m_number + 1;
      return Ok{};
    }
    if (key == "end" && value.empty()) {
      auto closed = close_family();
      m_ended = closed.ok();
      return closed;
    }
    return bad(m_number, "unexpected: " + std::string(line.substr(0, 80)));
  }

  Expected<Ok> read_dockerd(std::string_view value) {
    const auto split = value.find(' ');
    if (split == std::string_view::npos ||
        !parse_number(value.substr(0, split), m_snapshot.dockerd_pid) ||
        !parse_number(value.substr(split + 1), m_snapshot.dockerd_start))
      return bad(m_number, "dockerd needs a process id and a start time");
    m_have_dockerd = true;
    return Ok{};
  }

  /// Parses the lines of the family being read, if any.
  Expected<Ok> close_family() {
    if (m_snapshot.families.empty()) return Ok{};
    auto& [family, rules] = m_snapshot.families.back();
    auto parsed = parse_family_rules(family, m_rules_text, m_rules_line);
    if (!parsed) return fail(parsed);
    rules = std::move(parsed).value();
    auto placed = apply_places(rules, m_places);
    m_places.clear();
    return placed;
  }

  Snapshot m_snapshot;
  std::size_t m_number = 0;      // the line being read
  std::string m_rules_text;      // the current family's lines
  std::size_t m_rules_line = 0;  // where they start
  Places m_places;               // its after and others lines
  bool m_ended = false, m_have_dockerd = false, m_have_taken = false;
};

}  // namespace

std::string snapshot_path(std::string_view root, const std::string& firewall) {
  return join_root(root, std::string(runtime::snapshot_dir) + "/" + firewall);
}

std::string render_snapshot(const Snapshot& s) {
  std::string text(header);
  text += "\nfirewall " + s.firewall + "\ndockerd " + std::to_string(s.dockerd_pid) + " " +
          std::to_string(s.dockerd_start) + "\ntaken " + std::to_string(s.taken_ms) + "\n";
  for (const auto& line : s.held) text += "held " + line + "\n";
  for (const auto& [family, rules] : s.families)
    text += "family " + family_name(family) + "\n" + to_text(rules) + render_places(rules);
  return text + "end\n";
}

Expected<Snapshot> parse_snapshot(std::string_view text) {
  Reader reader;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    if (end == std::string_view::npos) return bad(number + 1, "the file ends inside a line");
    if (auto read = reader.read(++number, text.substr(0, end)); !read) return fail(read);
    text.remove_prefix(end + 1);
  }
  return reader.finish(number);
}

}  // namespace dfg
