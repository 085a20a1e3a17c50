#pragma once

#include <ostream>
#include <string>

#include "exit_status.h"
#include "process.h"

namespace dfg {

/// What every subcommand works with: the root it reads files under ("/" but in tests), the
/// runner for external programs, and where its output and diagnostics go.
struct CommandContext {
  std::string root;
  ProcessRunner& runner;
  std::ostream& out;
  std::ostream& err;
};

/// `check`: are Docker's rules present? One line on stdout; Ok (present, or Docker manages
/// no rules), Problem (flushed), Unknown (could not tell).
ExitStatus run_check(CommandContext& context);

/// `config [--check]`: prints the configuration in effect with the file each value came
/// from, problems on stderr (Ok). With `check_only`, prints only the problems, each as
/// "FILE: [section] key: problem", and returns Config when there is any.
ExitStatus run_config(CommandContext& context, bool check_only);

}  // namespace dfg
