#pragma once

#include <string>

#include "error.h"
#include "family.h"
#include "process_runner.h"
#include "ruleset.h"

namespace dfg {

/// The live tables of `family`, read by its save program (iptables-save, ip6tables-save) and
/// parsed; an error names the program.
Expected<Ruleset> save_tables(ProcessRunner& runner, Family family);

/// Writes `input` (iptables-restore's format, the scripts of `tables`: "nat, filter") into
/// `family`'s tables with `iptables-restore --wait=5 --noflush` (ip6tables-restore for
/// IPv6), each table committed whole; an error names the program, the family and `tables`.
Expected<Ok> restore_tables(ProcessRunner& runner, Family family, const std::string& input,
                            const std::string& tables);

}  // namespace dfg
