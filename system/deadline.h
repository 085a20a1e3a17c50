#pragma once

namespace dfg {

/// Ends the process with status 0 after `seconds`, writing `message` (kept, not copied) to
/// standard output first: for the package hooks, snapshot, restore and clear-flows, which must
/// never hang or fail what runs them (a transaction; a unit, whose TimeoutSec= is later), whatever
/// they wait for. A restart already queued goes on in systemd.
void exit_quietly_after(unsigned seconds, const char* message);

}  // namespace dfg
