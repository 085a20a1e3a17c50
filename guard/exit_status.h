#pragma once

namespace dfg {

/// The command's exit statuses, documented in docker-firewall-guard(8) and stable: monitoring
/// reads 0/1/2 the way it reads a Nagios plugin's OK/WARNING/CRITICAL-or-UNKNOWN, and the
/// errors that are the caller's to fix use sysexits(3) numbers.
enum class ExitStatus : int {
  Ok = 0,         ///< nothing wrong (or nothing to do)
  Problem = 1,    ///< something is wrong: Docker's rules are gone
  Unknown = 2,    ///< could not tell (xtables lock held, binary missing, odd answer)
  Usage = 64,     ///< EX_USAGE: bad arguments
  Internal = 70,  ///< EX_SOFTWARE: the command itself failed
  Config = 78,    ///< EX_CONFIG: `config --check` found problems in the config files
};

inline int to_int(ExitStatus status) { return static_cast<int>(status); }

}  // namespace dfg
