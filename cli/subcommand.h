#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "exit_status.h"
#include "host_view.h"
#include "system_host.h"

namespace dfg::cli {

/// One subcommand: its CLI11 app, with its options bound to values it owns, and what runs it
/// on the real host once the arguments are parsed.
struct Subcommand {
  CLI::App* app = nullptr;
  std::function<ExitStatus(SystemHost&)> run;
};

/// A subcommand whose run is `body(view)` on a HostView of the real host.
template <typename Body>
Subcommand on_host_view(CLI::App* app, Body body) {
  return {app, [body](SystemHost& system) {
            HostView view(system.host());
            return body(view);
          }};
}

// One per file of cli/, each registering its subcommand on the command's app.
Subcommand add_check(CLI::App& app);
Subcommand add_status(CLI::App& app);
Subcommand add_restart_docker(CLI::App& app);
Subcommand add_after_transaction(CLI::App& app);
Subcommand add_snapshot(CLI::App& app);
Subcommand add_restore(CLI::App& app);
Subcommand add_config(CLI::App& app);
Subcommand add_clear_flows(CLI::App& app);

/// A firewall event's subcommand (snapshot, restore; firewall_event_subcommand.cc), run by
/// strategy reconcile's units and drop-ins: not listed in --help, `--firewall UNIT` and one flag;
/// runs `body(view, firewall, flag)`.
Subcommand add_firewall_event_subcommand(CLI::App& app, const char* name, const char* description,
                                         const char* flag, const char* flag_help,
                                         ExitStatus (*body)(HostView&, const std::string&, bool));

}  // namespace dfg::cli
