#pragma once

#include <string>

#include "kmsg_log.h"

namespace dfg {

/// Runs the generator for the normal output directory `normal_dir`, reading config and
/// unit files under `root`. Returns the exit status: 0, also when the config is bad
/// (bad keys fall back to their defaults), and 1 only when an output file could not be
/// written, in which case no partial file is left.
int generate(const std::string& normal_dir, const std::string& root, KmsgLog& log);

}  // namespace dfg
