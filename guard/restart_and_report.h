#pragma once

#include "exit_status.h"
#include "host_view.h"

namespace dfg {

/// restart_if_flushed with what surrounds it in `restart-docker` and the hooks: the
/// refusals, restart-docker's lock, systemd, the canary, and one line on stdout and in the
/// journal. With `quiet_when_fine`, an outcome with nothing to do goes to the journal only.
ExitStatus restart_and_report(HostView& view, bool dry_run, bool quiet_when_fine,
                              bool no_block = false);

}  // namespace dfg
