#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "error.h"

namespace dfg {

/// One rule as iptables-save prints it: "-A CHAIN SPEC". `spec` is the rest of the line,
/// kept verbatim so iptables-restore reads it back exactly; `words` is `spec` split as
/// iptables-restore splits it (double quotes group, backslash escapes).
struct Rule {
  std::string chain;
  std::string spec;
  std::vector<std::string> words;
  /// For a rule of Docker's in a built-in chain (docker_part): the spec of the nearest rule
  /// above it there that is not Docker's (the firewall's own), "" when none is, and which
  /// copy of that spec it is (1 for the first). The restore puts it back right after that
  /// rule, so it keeps its place among the firewall's.
  std::string after;
  std::size_t after_copy = 0;
};

/// A chain declaration ":NAME POLICY [packets:bytes]"; policy "-" for a user chain.
struct Chain {
  std::string name;
  std::string policy;
  bool builtin() const { return policy != "-"; }
};

/// One "*table" ... "COMMIT" block.
struct Table {
  std::string name;
  std::vector<Chain> chains;
  std::vector<Rule> rules;
  /// In a docker_part: the chains of others (an administrator's BLOCKLIST, fail2ban's,
  /// CrowdSec's) that its rules jump to. The restore leaves a jump to one that is gone to
  /// its owner, whatever the chain's name.
  std::vector<std::string> others;
};

/// A whole iptables-save (or ip6tables-save) listing, tables in their order.
struct Ruleset {
  std::vector<Table> tables;
};

/// Parses iptables-save output: comment and empty lines skipped, anything else that is not a
/// table, chain, rule or COMMIT, or out of place, is an error naming its line number.
/// Rule text is data: nothing here ever runs it.
Expected<Ruleset> parse_ruleset(std::string_view text);

/// The table named `name` in `ruleset`, or nullptr.
const Table* find_table(const Ruleset& ruleset, const std::string& name);

/// The ruleset in iptables-save's format (counters zeroed), each table with its COMMIT.
std::string to_text(const Ruleset& ruleset);

/// The value after `option` in `words` ("-i docker0" gives docker0), each occurrence.
std::vector<std::string> values_of(const std::vector<std::string>& words, std::string_view option);

/// "172.17.0.2:80", "172.17.0.2", "[fd00::2]:80" or "fd00::2" as an address with its host
/// prefix, as iptables-save prints -d: "172.17.0.2/32", "fd00::2/128". Empty for a range.
std::string dnat_host(const std::string& destination);

/// Whether `address` is one host's: a /32 or /128 prefix.
bool is_host_address(const std::string& address);

/// Docker's chains, those Docker 20.10 to 29 make: DOCKER, DOCKER-USER,
/// DOCKER-ISOLATION-STAGE-1/2, DOCKER-FORWARD, DOCKER-BRIDGE, DOCKER-CT, DOCKER-INTERNAL,
/// DOCKER-INGRESS. Any other chain, even named DOCKER-something, is someone else's.
bool is_docker_chain(std::string_view name);

/// Docker's part of `all`, in its order: per table, Docker's chains with every rule in them
/// (DOCKER-USER's included, whoever wrote them), and those rules of the built-in chains that
///   - jump (-j, -g) to one of Docker's chains, or
///   - have a shape Docker writes there (filter FORWARD: ACCEPT or DROP, no protocol; nat
///     POSTROUTING: MASQUERADE; raw PREROUTING: DROP) and
///   - in filter FORWARD, nat POSTROUTING or raw PREROUTING, name with -i or -o an interface
///     Docker's own chains name (its bridges: docker0, br-<id>, custom names), or
///   - in nat POSTROUTING, match with -s or -d a container's address (a DNAT target, or
///     filter DOCKER's -d), or
///   - in raw PREROUTING (Docker 28's drops, always "! -i IFACE"), negate an -i and match
///     with -d a container's address or a host address nat DOCKER publishes on (127.0.0.1
///     for its loopback drops); an administrator's "-d 172.17.0.2/32 -j DROP" is theirs.
/// DOCKER-USER, the administrator's, marks nothing, so an "-i eth0" there never makes the
/// firewall's own eth0 rules Docker's. Tables with nothing of Docker's are left out. Each
/// kept rule of a built-in chain records its place (Rule::after), each table the chains of
/// others its rules jump to (Table::others).
/// Checked against the layouts of Docker 20.10, 26.1 and 28.5 (../shared/data/docker-rules).
Ruleset docker_part(const Ruleset& all);

/// Gives each rule of `part` (a docker_part of `all`) in a built-in chain that follows none of
/// the firewall's rules the place it had in `earlier` (a docker_part of the same cycle), when
/// the rule it followed there is nowhere in that chain of `all`: rules put back while the
/// firewall's own were away (after a stop's flush) keep their place among them for the
/// start's restore.
void keep_places(Ruleset& part, const Ruleset& all, const Ruleset& earlier);

/// The input for one `iptables-restore --noflush` of one table.
struct RestoreScript {
  std::string table;
  std::string text;
  std::size_t rules = 0;  ///< rules it writes
  /// Saved rules it leaves to their owners: jumps to a chain that is not Docker's and no
  /// longer exists (fail2ban's, with chain = DOCKER-USER), which would fail the table.
  std::vector<std::string> left_out;
  /// The table holds every rule of `saved` already (the event did not flush it): nothing to
  /// run, `text` is empty.
  bool in_place = false;
};

/// What puts `saved` (a docker_part) back into tables that hold `now`, one script per table
/// of `saved`, each applied atomically by iptables-restore:
///   - each of Docker's chains is declared, which creates it or, with --noflush, empties
///     it, then filled with its saved rules: the snapshot is the truth for Docker's chains;
///     but DOCKER-USER, when the firewall's own rules define it, is left as they made it;
///   - Docker's rules in each built-in chain go back in their saved order and place: right
///     after the firewall's rule they followed (Rule::after; its first copy there now), at
///     the top when they followed none; when that rule is no longer there, where Docker puts
///     them (appended for its nat PREROUTING and OUTPUT jumps and hairpin MASQUERADEs, at
///     the top for the rest). Copies already there (an administrator may have saved Docker's
///     rules into the firewall's own file) are deleted first, so no rule is ever doubled;
///     so are `stale`'s rules in built-in chains (copies naming what dockerd no longer
///     holds);
///   - filter FORWARD's policy of DROP (Docker's) goes back too; no other policy is ever
///     written, so the firewall's own stay as it set them;
///   - a table of `now` that holds all of that already is left alone (`in_place`).
/// A saved rule that jumps to a chain of others (Table::others) that is not there now
/// (deleted by the flush; its owner makes it again) is left out, and named in `left_out`.
std::vector<RestoreScript> plan_restore(const Ruleset& saved, const Ruleset& now,
                                        const Ruleset& stale = {});

}  // namespace dfg
