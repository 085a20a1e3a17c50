#pragma once

#include <string>
#include <string_view>

namespace dfg {

/// Checks `name` against systemd's unit-name rules (allowed characters, at most 255 bytes, a
/// known unit type suffix) and is stricter than systemd's unit_name_is_valid() in two ways:
/// it refuses any "..", so no name can ever step out of a directory, and a second '@' (which
/// systemd allows inside an instance name).
/// Returns an empty string for a valid name, otherwise a short reason.
std::string unit_name_problem(std::string_view name);

inline bool is_valid_unit_name(std::string_view name) { return unit_name_problem(name).empty(); }

/// True for "foo@.service" (a template, which cannot be started or bound).
bool is_unit_template(std::string_view name);

/// For "foo@bar.service" returns "foo@.service"; for any other name, an empty string.
std::string unit_template_of(std::string_view name);

}  // namespace dfg
