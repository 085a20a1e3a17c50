#pragma once

#include <string_view>

namespace dfg {

/// True for a name RPM accepts as a package name: letters, digits and "._+-", not starting
/// with "-". Package names only ever go into argument vectors; this keeps them plain.
inline bool is_package_name(std::string_view name) {
  return !name.empty() && name.front() != '-' &&
         name.find_first_not_of(
             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
             "0123456789._+-") == std::string_view::npos;
}

}  // namespace dfg
