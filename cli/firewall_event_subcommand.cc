#include <memory>
#include <string>

#include "subcommand.h"

namespace dfg::cli {

Subcommand add_firewall_event_subcommand(CLI::App& app, const char* name, const char* description,
                                         const char* flag, const char* flag_help,
                                         ExitStatus (*body)(HostView&, const std::string&, bool)) {
  struct Options {
    std::string firewall;
    bool flag = false;
  };
  auto options = std::make_shared<Options>();
  auto* sub = app.add_subcommand(name, description);
  sub->group("");  // strategy reconcile's units run it; not for administrators
  sub->add_option("--firewall", options->firewall, "The firewall unit")->required();
  sub->add_flag(flag, options->flag, flag_help);
  return on_host_view(sub, [options, body](HostView& view) {
    return body(view, options->firewall, options->flag);
  });
}

}  // namespace dfg::cli
