#include "ruleset.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <list>
#include <map>
#include <optional>
#include <set>

namespace dfg {
namespace {

Expected<Ruleset> parse_error(std::size_t line, const std::string& message) {
  return fail("line " + std::to_string(line) + ": " + message);
}

/// Splits a rule as iptables-restore does: on spaces, "double quotes" grouping, a backslash
/// taking the next character as it is. False for an unterminated quote.
bool split_iptables_words(std::string_view spec, std::vector<std::string>& words) {
  std::string word;
  bool in_word = false, quoted = false;
  for (std::size_t i = 0; i < spec.size(); ++i) {
    const char c = spec[i];
    if (c == '\\' && i + 1 < spec.size()) {
      word += spec[++i];
      in_word = true;
    } else if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if ((c == ' ' || c == '\t') && !quoted) {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(word));
  return !quoted;
}

/// ":NAME POLICY [packets:bytes]" as iptables-save writes it: words split on white space
/// alone, a name without quotes or backslashes, POLICY ACCEPT or DROP (built-in chains) or
/// "-" (Docker's and other user chains), the counters optional. Empty when it is not one.
std::vector<std::string> chain_declaration(std::string_view line) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < line.size()) {
    const auto end = std::min(line.find_first_of(" \t", at), line.size());
    if (end > at) words.emplace_back(line.substr(at, end - at));
    at = end + 1;
  }
  const auto counters = [](const std::string& w) {
    const auto colon = w.find(':');
    return w.size() >= 5 && w.front() == '[' && w.back() == ']' && colon != std::string::npos &&
           colon > 1 && colon + 2 < w.size() && w.find_first_not_of("0123456789", 1) == colon &&
           w.find_first_not_of("0123456789", colon + 1) == w.size() - 1;
  };
  const bool ok = (words.size() == 2 || (words.size() == 3 && counters(words[2]))) &&
                  words[0].find_first_of("\"\\'") == std::string::npos &&
                  (words[1] == "ACCEPT" || words[1] == "DROP" || words[1] == "-");
  if (!ok) words.clear();
  return words;
}

const Chain* find_chain(const Table& table, std::string_view name) {
  for (const auto& chain : table.chains)
    if (chain.name == name) return &chain;
  return nullptr;
}

bool has_chain(const Table& table, std::string_view name) {
  return find_chain(table, name) != nullptr;
}

bool is_builtin_chain(const Table& table, std::string_view name) {
  const auto* chain = find_chain(table, name);
  return chain != nullptr && chain->builtin();
}

/// The built-in chains where Docker 20.10 to 28 puts rules other than jumps: FORWARD
/// (bridges), nat POSTROUTING (masquerading, hairpin NAT), raw PREROUTING (Docker 28's drops
/// of traffic to containers and loopback-published ports from elsewhere).
enum class Place { Forward, Postrouting, RawPrerouting, Elsewhere };

Place place_of(const std::string& table, const std::string& chain) {
  if (table == "filter" && chain == "FORWARD") return Place::Forward;
  if (table == "nat" && chain == "POSTROUTING") return Place::Postrouting;
  if (table == "raw" && chain == "PREROUTING") return Place::RawPrerouting;
  return Place::Elsewhere;
}

/// Whether `rule` has a shape Docker writes at `place`: in FORWARD, ACCEPT or DROP of whole
/// bridges (no protocol: ports are opened in Docker's own chains); in POSTROUTING, MASQUERADE
/// or SNAT; in raw PREROUTING, DROP. An administrator's rule naming a bridge (a REJECT, a LOG, one
/// port) is theirs.
bool docker_shape(Place place, const Rule& rule) {
  const auto targets = values_of(rule.words, "-j");
  if (targets.size() != 1) return false;
  const auto& target = targets.front();
  switch (place) {
    case Place::Forward:
      return (target == "ACCEPT" || target == "DROP") && values_of(rule.words, "-p").empty();
    // SNAT: a network with com.docker.network.host_ipv4 leaves from that address.
    case Place::Postrouting: return target == "MASQUERADE" || target == "SNAT";
    case Place::RawPrerouting: return target == "DROP";
    case Place::Elsewhere: break;
  }
  return false;
}

/// Whether Docker appends `rule` to its built-in chain (its jumps from nat PREROUTING and
/// OUTPUT, the hairpin MASQUERADE of one published port) rather than inserting it at the top.
bool docker_appends(const std::string& table, const Rule& rule) {
  if (table != "nat") return false;
  if (rule.chain == "PREROUTING" || rule.chain == "OUTPUT") return true;
  return rule.chain == "POSTROUTING" && !values_of(rule.words, "--dport").empty();
}

std::vector<std::string> specs_in(const Table& table, const std::string& chain) {
  std::vector<std::string> specs;
  for (const auto& rule : table.rules)
    if (rule.chain == chain) specs.push_back(rule.spec);
  return specs;
}

/// Whether `rule` matches "! -i IFACE".
bool negates_input(const Rule& rule) {
  for (std::size_t i = 0; i + 2 < rule.words.size(); ++i)
    if (rule.words[i] == "!" && rule.words[i + 1] == "-i") return true;
  return false;
}

/// The chains `rule` jumps or goes to (-j, -g): a chain's name or a target's.
std::vector<std::string> targets_of(const Rule& rule) {
  auto targets = values_of(rule.words, "-j");
  for (auto& chain : values_of(rule.words, "-g")) targets.push_back(std::move(chain));
  return targets;
}

bool jumps_to_docker(const Rule& rule) {
  const auto targets = targets_of(rule);
  return std::any_of(targets.begin(), targets.end(),
                     [](const std::string& target) { return is_docker_chain(target); });
}

/// What Docker's own chains name (DOCKER-USER aside: the administrator writes that one):
/// its bridges, its containers' addresses, and the host addresses it publishes on.
struct DockerMarks {
  std::set<std::string> interfaces;
  std::set<std::string> containers;  ///< DNAT targets, and filter DOCKER's -d
  std::set<std::string> published;   ///< nat DOCKER's -d (127.0.0.1 for -p 127.0.0.1:...)

  explicit DockerMarks(const Ruleset& all) {
    for (const auto& table : all.tables) {
      for (const auto& rule : table.rules) {
        if (!is_docker_chain(rule.chain) || rule.chain == "DOCKER-USER") continue;
        for (const char* option : {"-i", "-o"})
          for (auto& name : values_of(rule.words, option))
            if (name != "lo") interfaces.insert(name);
        auto& addresses = table.name == "nat" ? published : containers;
        for (auto& address : values_of(rule.words, "-d"))
          if (is_host_address(address)) addresses.insert(address);
        for (auto& destination : values_of(rule.words, "--to-destination"))
          if (auto host = dnat_host(destination); !host.empty()) containers.insert(host);
      }
    }
  }

  bool owns(const std::string& table, const Rule& rule) const {
    if (jumps_to_docker(rule)) return true;
    const auto place = place_of(table, rule.chain);
    if (place == Place::Elsewhere || !docker_shape(place, rule)) return false;
    // Docker 28's raw drops always read "-d ADDRESS ! -i IFACE": one without the negated -i
    // (an administrator's "-d 172.17.0.2/32 -j DROP") is not Docker's, whatever it names.
    if (place == Place::RawPrerouting && !negates_input(rule)) return false;
    for (const char* option : {"-i", "-o"})
      for (const auto& name : values_of(rule.words, option))
        if (interfaces.count(name) != 0) return true;
    // Docker 28.0 accepts replies to its bridges by an ipset of theirs (docker-ext-bridges-v4,
    // -v6) in FORWARD, naming no interface (moby's iptablesdoc for 28.0).
    if (place == Place::Forward) {
      for (const auto& set : values_of(rule.words, "--match-set"))
        if (set.rfind("docker-ext-bridges-", 0) == 0) return true;
      return false;
    }
    for (const char* option : {"-s", "-d"}) {
      for (const auto& address : values_of(rule.words, option)) {
        if (containers.count(address) != 0) return true;
        if (place == Place::RawPrerouting && published.count(address) != 0) return true;
      }
    }
    return false;
  }
};

}  // namespace

const Table* find_table(const Ruleset& ruleset, const std::string& name) {
  for (const auto& t : ruleset.tables)
    if (t.name == name) return &t;
  return nullptr;
}

/// The value after `option` in `words` ("-i docker0" gives docker0), each occurrence.
std::vector<std::string> values_of(const std::vector<std::string>& words, std::string_view option) {
  std::vector<std::string> values;
  for (std::size_t i = 0; i + 1 < words.size(); ++i)
    if (words[i] == option) values.push_back(words[i + 1]);
  return values;
}

/// "172.17.0.2:80", "172.17.0.2", "[fd00::2]:80" or "fd00::2" as an address with its host
/// prefix, as iptables-save prints -d: "172.17.0.2/32", "fd00::2/128". Empty for a range.
std::string dnat_host(const std::string& destination) {
  std::string address;
  if (!destination.empty() && destination.front() == '[') {
    address = destination.substr(1, destination.find(']') - 1) + "/128";
  } else if (std::count(destination.begin(), destination.end(), ':') >= 2) {
    address = destination + "/128";
  } else {
    address = destination.substr(0, destination.find(':')) + "/32";
  }
  return address.find('-') == std::string::npos ? address : std::string();
}

bool is_host_address(const std::string& address) {
  const auto slash = address.rfind('/');
  if (slash == std::string::npos) return false;
  const auto prefix = address.substr(slash + 1);
  return prefix == "32" || prefix == "128";
}

Expected<Ruleset> parse_ruleset(std::string_view text) {
  Ruleset ruleset;
  Table* table = nullptr;
  std::size_t number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const auto line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++number;
    if (line.empty() || line.front() == '#') continue;
    if (line.front() == '*') {
      if (table != nullptr) return parse_error(number, "a table starts before COMMIT");
      if (line.size() == 1) return parse_error(number, "a table without a name");
      table = &ruleset.tables.emplace_back();
      table->name = std::string(line.substr(1));
      continue;
    }
    if (table == nullptr) return parse_error(number, "outside of a table: " + std::string(line));
    if (line == "COMMIT") {
      table = nullptr;
      continue;
    }
    if (line.front() == ':') {
      const auto words = chain_declaration(line.substr(1));
      if (words.empty())
        return parse_error(number,
                           "a chain must read :NAME POLICY [packets:bytes], POLICY "
                           "ACCEPT, DROP or -");
      if (has_chain(*table, words[0])) return parse_error(number, "chain declared twice");
      table->chains.push_back({words[0], words[1]});
      continue;
    }
    if (line.substr(0, 3) == "-A ") {
      const auto rest = line.substr(3);
      const auto space = rest.find(' ');
      Rule rule;
      rule.chain = std::string(rest.substr(0, space));
      rule.spec =
          space == std::string_view::npos ? std::string() : std::string(rest.substr(space + 1));
      if (!has_chain(*table, rule.chain))
        return parse_error(number, "a rule in the undeclared chain " + rule.chain);
      if (!split_iptables_words(rule.spec, rule.words))
        return parse_error(number, "an unterminated quote");
      table->rules.push_back(std::move(rule));
      continue;
    }
    return parse_error(number, "not a table, chain, rule or COMMIT: " + std::string(line));
  }
  if (table != nullptr) return parse_error(number, "table " + table->name + " has no COMMIT");
  return ruleset;
}

std::string to_text(const Ruleset& ruleset) {
  std::string text;
  for (const auto& table : ruleset.tables) {
    text += "*" + table.name + "\n";
    for (const auto& chain : table.chains)
      text += ":" + chain.name + " " + chain.policy + " [0:0]\n";
    for (const auto& rule : table.rules)
      text += "-A " + rule.chain + (rule.spec.empty() ? "" : " " + rule.spec) + "\n";
    text += "COMMIT\n";
  }
  return text;
}

bool is_docker_chain(std::string_view name) {
  static constexpr std::string_view chains[] = {"DOCKER",
                                                "DOCKER-USER",
                                                "DOCKER-ISOLATION-STAGE-1",
                                                "DOCKER-ISOLATION-STAGE-2",
                                                "DOCKER-FORWARD",
                                                "DOCKER-BRIDGE",
                                                "DOCKER-CT",
                                                "DOCKER-INTERNAL",
                                                "DOCKER-INGRESS"};
  return std::find(std::begin(chains), std::end(chains), name) != std::end(chains);
}

Ruleset docker_part(const Ruleset& all) {
  const DockerMarks marks(all);
  Ruleset part;
  for (const auto& table : all.tables) {
    Table kept{table.name, {}, {}, {}};
    for (const auto& chain : table.chains)
      if (chain.builtin() || is_docker_chain(chain.name)) kept.chains.push_back(chain);
    // The firewall's rule each built-in chain showed last, and which copy of it, as the place
    // of Docker's next one.
    std::map<std::string, std::pair<std::string, std::size_t>> last_other;
    std::map<std::string, std::size_t> copies;  // "CHAIN SPEC" of the firewall's, so far
    for (const auto& rule : table.rules) {
      const bool builtin = !is_docker_chain(rule.chain);
      // A chain of someone else's holds nothing of Docker's, whatever it jumps to.
      if (builtin && !is_builtin_chain(table, rule.chain)) continue;
      if (builtin && !marks.owns(table.name, rule)) {
        last_other[rule.chain] = {rule.spec, ++copies[rule.chain + " " + rule.spec]};
        continue;
      }
      kept.rules.push_back(rule);
      if (builtin) {
        const auto& [after, copy] = last_other[rule.chain];
        kept.rules.back().after = after;
        kept.rules.back().after_copy = copy;
      }
      for (const auto& target : targets_of(rule)) {
        if (is_docker_chain(target) || !has_chain(table, target)) continue;  // a target's name
        if (std::find(kept.others.begin(), kept.others.end(), target) == kept.others.end())
          kept.others.push_back(target);
      }
    }
    const bool any_docker_chain = std::any_of(kept.chains.begin(), kept.chains.end(),
                                              [](const Chain& c) { return !c.builtin(); });
    if (any_docker_chain || !kept.rules.empty()) part.tables.push_back(std::move(kept));
  }
  return part;
}

void keep_places(Ruleset& part, const Ruleset& all, const Ruleset& earlier) {
  for (auto& table : part.tables) {
    const Table* before = find_table(earlier, table.name);
    const Table* listed = find_table(all, table.name);
    if (before == nullptr || listed == nullptr) continue;
    std::map<std::string, const Rule*> places;  // "CHAIN SPEC" -> as saved before
    for (const auto& rule : before->rules)
      if (!rule.after.empty()) places.emplace(rule.chain + " " + rule.spec, &rule);
    for (auto& rule : table.rules) {
      if (!rule.after.empty() || is_docker_chain(rule.chain)) continue;
      const auto place = places.find(rule.chain + " " + rule.spec);
      if (place == places.end()) continue;
      const bool listed_there = std::any_of(
          listed->rules.begin(), listed->rules.end(),
          [&](const Rule& r) { return r.chain == rule.chain && r.spec == place->second->after; });
      if (listed_there) continue;
      rule.after = place->second->after;
      rule.after_copy = place->second->after_copy;
    }
  }
}

namespace {

std::string key_of(const Rule& rule) { return rule.chain + " " + rule.spec; }

std::string line_of(const char* how, const Rule& rule) {
  return how + (" " + rule.chain) + (rule.spec.empty() ? "" : " " + rule.spec) + "\n";
}

/// One table's restore, planned against what the table holds now.
class TablePlan {
 public:
  TablePlan(const Table& saved, const Table* now, const Table* stale) : m_saved(saved), m_now(now) {
    // DOCKER-USER is the administrator's: when the firewall's own file defines it, that is
    // the one to keep; the snapshot's fills it only where it is missing.
    m_keep_user_chain = now != nullptr && has_chain(*now, "DOCKER-USER");
    for (const auto& rule : saved.rules)
      if (!is_docker_chain(rule.chain)) m_docker.insert(key_of(rule));
    if (stale != nullptr)
      for (const auto& rule : stale->rules)
        if (!is_docker_chain(rule.chain)) m_deleted.insert(key_of(rule));
  }

  /// In place already (the event did not flush this table: EL's reload and start leave a
  /// table their file does not name): checked, not rewritten.
  bool in_place() const {
    if (m_now == nullptr || !m_deleted.empty()) return false;
    for (const auto& chain : m_saved.chains) {
      const bool differs = chain.builtin() ? policy_to_write(chain) || !in_order(chain.name)
                                           : restored(chain.name) && !same_chain(chain.name);
      if (differs) return false;
    }
    std::map<std::string, int> there;  // once each: a copy beside it is to delete
    for (const auto& rule : m_now->rules) ++there[key_of(rule)];
    return std::all_of(m_docker.begin(), m_docker.end(),
                       [&](const std::string& key) { return there[key] == 1; });
  }

  RestoreScript script() const {
    RestoreScript script{m_saved.name, "*" + m_saved.name + "\n", 0, {}, false};
    for (const auto& chain : m_saved.chains) {
      if (chain.builtin() && policy_to_write(chain))
        script.text += ":" + chain.name + " " + chain.policy + " [0:0]\n";
      else if (!chain.builtin() && restored(chain.name))
        script.text += ":" + chain.name + " - [0:0]\n";
    }
    if (m_now != nullptr)
      for (const auto& rule : m_now->rules)
        if (deletes(rule)) script.text += line_of("-D", rule);
    for (const auto& rule : m_saved.rules) {
      if (!is_docker_chain(rule.chain) || !restored(rule.chain)) continue;
      if (jumps_to_gone_chain(rule)) {
        script.left_out.push_back(m_saved.name + " -A " + rule.chain + " " + rule.spec);
        continue;
      }
      script.text += line_of("-A", rule);
      ++script.rules;
    }
    for (const auto& chain : m_saved.chains)
      if (chain.builtin()) insert_into(chain.name, script);
    script.text += "COMMIT\n";
    return script;
  }

 private:
  bool restored(const std::string& chain) const {
    return !(chain == "DOCKER-USER" && m_keep_user_chain);
  }

  /// Docker's FORWARD DROP where the firewall left ACCEPT. Docker sets no other policy: the
  /// firewall's own (an INPUT DROP) are its to set, and a stop set them ACCEPT on purpose.
  bool policy_to_write(const Chain& saved) const {
    if (m_saved.name != "filter" || saved.name != "FORWARD" || saved.policy != "DROP") return false;
    const Chain* chain = m_now != nullptr ? find_chain(*m_now, saved.name) : nullptr;
    return chain == nullptr || chain->policy != "DROP";
  }

  bool same_chain(const std::string& name) const {
    return has_chain(*m_now, name) && specs_in(*m_now, name) == specs_in(m_saved, name);
  }

  /// Rules of `now` in built-in chains that go before the saved ones go back: copies of
  /// Docker's, and `stale`'s.
  bool deletes(const Rule& rule) const {
    if (is_docker_chain(rule.chain)) return false;
    const auto key = key_of(rule);
    return m_docker.count(key) != 0 || m_deleted.count(key) != 0;
  }

  /// A jump to a chain of others that the flush deleted would fail the whole table: its
  /// owner puts the jump back when it makes its chain again.
  bool jumps_to_gone_chain(const Rule& rule) const {
    for (const auto& target : targets_of(rule)) {
      const bool others =
          std::find(m_saved.others.begin(), m_saved.others.end(), target) != m_saved.others.end();
      if (others && (m_now == nullptr || !has_chain(*m_now, target))) return true;
    }
    return false;
  }

  /// One rule of a built-in chain as it is to be: one of `now`'s that stays, or a saved one.
  struct Placed {
    const Rule* rule;
    bool saved;
  };

  /// The order built-in `chain` is to have: the rules of `now` that stay, and each saved rule
  ///   - right after the saved rule before it, when that one had the same place, or when its
  ///     own place is lost (the firewall's rule it followed is not there);
  ///   - else right after the firewall's rule it followed (that copy of it);
  ///   - else at the top, or where Docker puts it (docker_appends) when its place is lost.
  std::list<Placed> order_of(const std::string& chain) const {
    std::list<Placed> order;
    std::map<std::string, std::vector<std::list<Placed>::iterator>> copies;  // spec -> each
    if (m_now != nullptr)
      for (const auto& rule : m_now->rules)
        if (rule.chain == chain && !deletes(rule))
          copies[rule.spec].push_back(order.insert(order.end(), {&rule, false}));
    std::optional<std::list<Placed>::iterator> previous;
    for (const auto& rule : m_saved.rules) {
      if (rule.chain != chain) continue;
      const auto found = copies.find(rule.after);
      const bool placed = !rule.after.empty() && found != copies.end() && rule.after_copy >= 1 &&
                          rule.after_copy <= found->second.size();
      const auto* before = previous ? (*previous)->rule : nullptr;
      const bool same_place =
          before != nullptr && before->after == rule.after && before->after_copy == rule.after_copy;
      std::list<Placed>::iterator at;
      if (previous && (same_place || (!rule.after.empty() && !placed)))
        at = std::next(*previous);
      else if (placed)
        at = std::next(found->second[rule.after_copy - 1]);
      else if (!rule.after.empty() && docker_appends(m_saved.name, rule))
        at = order.end();
      else
        at = order.begin();
      previous = order.insert(at, {&rule, true});
    }
    return order;
  }

  /// Whether `now`'s `chain` is in order_of's order already.
  bool in_order(const std::string& chain) const {
    const auto order = order_of(chain);
    std::vector<std::string> specs;
    for (const auto& placed : order) specs.push_back(placed.rule->spec);
    return specs == specs_in(*m_now, chain);
  }

  /// "-I CHAIN N" for each saved rule of built-in `chain`, top-down, so that N counts the
  /// rules above it as they will be: the firewall's that stay, and Docker's put back.
  void insert_into(const std::string& chain, RestoreScript& script) const {
    std::size_t position = 0;
    for (const auto& placed : order_of(chain)) {
      ++position;
      if (!placed.saved) continue;
      script.text += "-I " + chain + " " + std::to_string(position) +
                     (placed.rule->spec.empty() ? "" : " " + placed.rule->spec) + "\n";
      ++script.rules;
    }
  }

  const Table& m_saved;
  const Table* m_now;
  bool m_keep_user_chain = false;
  std::set<std::string> m_docker, m_deleted;  ///< keys of rules in built-in chains
};

}  // namespace

std::vector<RestoreScript> plan_restore(const Ruleset& saved, const Ruleset& now,
                                        const Ruleset& stale) {
  std::vector<RestoreScript> scripts;
  for (const auto& table : saved.tables) {
    const TablePlan plan(table, find_table(now, table.name), find_table(stale, table.name));
    if (plan.in_place()) {
      scripts.push_back({table.name, {}, 0, {}, true});
      continue;
    }
    scripts.push_back(plan.script());
  }
  return scripts;
}

}  // namespace dfg
