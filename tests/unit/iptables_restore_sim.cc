#include "iptables_restore_sim.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <sstream>

namespace dfg::test {

void apply(Ruleset& now, const RestoreScript& script) {
  auto table = std::find_if(now.tables.begin(), now.tables.end(),
                            [&](const Table& t) { return t.name == script.table; });
  if (table == now.tables.end()) {
    now.tables.push_back({script.table, {}, {}, {}});
    table = now.tables.end() - 1;
  }
  std::istringstream in(script.text);
  std::string line;
  auto& rules = table->rules;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string op, chain;
    words >> op >> chain;
    if (op[0] == ':' && chain != "-") {  // a built-in chain's policy
      for (auto& c : table->chains)
        if (c.name == op.substr(1)) c.policy = chain;
      continue;
    }
    if (op[0] == ':') {
      const auto name = op.substr(1);
      rules.erase(std::remove_if(rules.begin(), rules.end(),
                                 [&](const Rule& r) { return r.chain == name; }),
                  rules.end());
      if (std::none_of(table->chains.begin(), table->chains.end(),
                       [&](const Chain& c) { return c.name == name; }))
        table->chains.push_back({name, "-"});
      continue;
    }
    if (op[0] == '*' || op == "COMMIT") continue;
    std::string spec;
    std::getline(words, spec);
    if (!spec.empty()) spec.erase(0, 1);
    Rule rule{chain, spec, {}, {}};
    if (op == "-A") {
      rules.push_back(rule);
    } else if (op == "-D") {
      const auto it = std::find_if(rules.begin(), rules.end(), [&](const Rule& r) {
        return r.chain == chain && r.spec == spec;
      });
      ASSERT_NE(it, rules.end()) << "-D of a rule that is not there: " << line;
      rules.erase(it);
    } else {
      ASSERT_EQ(op, "-I") << line;  // "-I CHAIN N SPEC": at the chain's Nth place
      const auto space = spec.find(' ');
      const auto n = std::stoul(spec.substr(0, space));
      rule.spec = space == std::string::npos ? std::string() : spec.substr(space + 1);
      std::vector<std::ptrdiff_t> places;  // the chain's rules, by index into `rules`
      for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(rules.size()); ++i)
        if (rules[static_cast<std::size_t>(i)].chain == chain) places.push_back(i);
      ASSERT_LE(n, places.size() + 1) << "-I past the chain's end: " << line;
      const auto at = n <= places.size() ? rules.begin() + places[n - 1]
                      : places.empty()   ? rules.end()
                                         : rules.begin() + places.back() + 1;
      rules.insert(at, rule);
    }
  }
  now = parse_ruleset(to_text(now)).value();  // the words, as iptables-save would list them
}

std::map<std::string, std::vector<std::string>> by_chain(const Ruleset& ruleset) {
  std::map<std::string, std::vector<std::string>> chains;
  for (const auto& table : ruleset.tables)
    for (const auto& rule : table.rules) chains[table.name + " " + rule.chain].push_back(rule.spec);
  return chains;
}

std::map<std::string, std::string> policies(const Ruleset& ruleset) {
  std::map<std::string, std::string> chains;
  for (const auto& table : ruleset.tables)
    for (const auto& chain : table.chains) chains[table.name + " " + chain.name] = chain.policy;
  return chains;
}

}  // namespace dfg::test
