#include "unit_name.h"

#include <array>

namespace dfg {
namespace {

// systemd's UNIT_NAME_MAX is 256 including the terminating NUL.
constexpr std::size_t max_unit_name_length = 255;

constexpr std::array<std::string_view, 11> unit_types = {"service", "socket",    "target", "device",
                                                         "mount",   "automount", "swap",   "timer",
                                                         "path",    "slice",     "scope"};

bool is_valid_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
         c == '-' || c == '_' || c == '.' || c == '\\';
}

}  // namespace

std::string unit_name_problem(std::string_view name) {
  if (name.empty()) return "empty unit name";
  if (name.size() > max_unit_name_length) return "unit name longer than 255 characters";
  if (name.find('/') != std::string_view::npos) return "unit name contains '/'";
  if (name.find("..") != std::string_view::npos) return "unit name contains '..'";

  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return "unit name has no type suffix (like .service)";
  const auto type = name.substr(dot + 1);
  bool known = false;
  for (auto t : unit_types) known = known || t == type;
  if (!known) return "unknown unit type '." + std::string(type) + "'";

  const auto prefix = name.substr(0, dot);
  const auto at = prefix.find('@');
  if (at == 0) return "unit name starts with '@'";
  if (at != std::string_view::npos && prefix.find('@', at + 1) != std::string_view::npos)
    return "unit name has more than one '@'";
  if (prefix.empty()) return "unit name has nothing before its type suffix";
  for (char c : prefix) {
    if (c != '@' && !is_valid_char(c)) return "unit name contains an invalid character";
  }
  return {};
}

bool is_unit_template(std::string_view name) {
  return is_valid_unit_name(name) && name.find("@.") != std::string_view::npos;
}

std::string unit_template_of(std::string_view name) {
  if (!is_valid_unit_name(name)) return {};
  const auto at = name.find('@');
  const auto dot = name.rfind('.');
  if (at == std::string_view::npos || at + 1 == dot) return {};
  return std::string(name.substr(0, at + 1)) + std::string(name.substr(dot));
}

}  // namespace dfg
