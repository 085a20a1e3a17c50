#pragma once

// A model of `iptables-restore --noflush` for the unit tests, for what plan_restore writes,
// so that a planned restore can be applied to a listing and the result compared whole.

#include <map>
#include <string>
#include <vector>

#include "ruleset.h"

namespace dfg::test {

/// Applies `script` to `now` as iptables-restore --noflush does: a user chain's declaration
/// creates or empties it, a built-in chain's sets its policy, -D deletes the first copy,
/// -I CHAIN N inserts at the Nth place, -A appends. A failed expectation (a -D of a rule that
/// is not there, an -I past the chain's end) is a test failure.
void apply(Ruleset& now, const RestoreScript& script);

/// Each chain's rules in order, keyed by "TABLE CHAIN".
std::map<std::string, std::vector<std::string>> by_chain(const Ruleset& ruleset);

/// Each chain's policy ("-" for a user chain), keyed by "TABLE CHAIN".
std::map<std::string, std::string> policies(const Ruleset& ruleset);

}  // namespace dfg::test
