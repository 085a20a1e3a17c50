#include "config.h"

#include <ini.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <set>

#include "fs.h"
#include "package_name.h"
#include "unit_name.h"

namespace dfg {

const char* const config_main_paths[3] = {"/etc/docker-firewall-guard.conf",
                                          "/run/docker-firewall-guard.conf",
                                          "/usr/lib/docker-firewall-guard.conf"};
const char* const config_dropin_dirs[3] = {"/etc/docker-firewall-guard.conf.d",
                                           "/run/docker-firewall-guard.conf.d",
                                           "/usr/lib/docker-firewall-guard.conf.d"};

std::string_view to_string(Strategy strategy) {
  switch (strategy) {
    case Strategy::Requires: return "requires";
    case Strategy::PartOf: return "partof";
    case Strategy::Reconcile: return "reconcile";
    case Strategy::None: return "none";
  }
  return "?";
}

std::string_view to_string(HookAction action) {
  return action == HookAction::Restart ? "restart" : "report";
}

std::string ConfigProblem::to_string() const {
  std::string out = file + ": ";
  if (!section.empty()) {
    out += "[" + section + "]";
    out += key.empty() ? ": " : " " + key + ": ";
  }
  return out + message;
}

namespace {

// A setter parses `value` into the config; it returns an error message, or nothing.
using Setter = std::optional<std::string> (*)(Config&, const std::string& value);

struct Key {
  const char* section;
  const char* name;
  Setter set;
};

std::vector<std::string> split_config_list(const std::string& value) {
  std::vector<std::string> words;
  std::size_t pos = 0;
  while (pos < value.size()) {
    const auto start = value.find_first_not_of(" \t", pos);
    if (start == std::string::npos) break;
    const auto end = std::min(value.find_first_of(" \t", start), value.size());
    std::string word = value.substr(start, end - start);
    if (std::find(words.begin(), words.end(), word) == words.end()) words.push_back(word);
    pos = end;
  }
  return words;
}

std::optional<std::string> parse_service_list(const std::string& value,
                                              std::vector<std::string>& out) {
  auto names = split_config_list(value);
  if (names.empty()) return "empty; to write nothing, set strategy = none";
  for (const auto& name : names) {
    if (auto problem = unit_name_problem(name); !problem.empty())
      return "'" + name + "': " + problem;
    if (!ends_with(name, ".service")) return "'" + name + "': not a .service unit";
    if (is_unit_template(name)) return "'" + name + "': a template, not a unit";
  }
  out = std::move(names);
  return std::nullopt;
}

std::optional<std::string> parse_bool(const std::string& value, bool& out) {
  std::string v = value;
  std::transform(v.begin(), v.end(), v.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (v == "yes" || v == "true" || v == "on" || v == "1") {
    out = true;
  } else if (v == "no" || v == "false" || v == "off" || v == "0") {
    out = false;
  } else {
    return "'" + value + "' is not a boolean (yes or no)";
  }
  return std::nullopt;
}

const Key keys[] = {
    {"guard", "services",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       std::vector<std::string> names;
       if (auto problem = parse_service_list(v, names)) return problem;
       // One Docker: its settings, its rules and its snapshots are what the guard keeps.
       if (names.size() > 1)
         return "names " + std::to_string(names.size()) +
                " services; it takes one, the Docker daemon's (" + names.front() + ")";
       c.service = names.front();
       return std::nullopt;
     }},
    {"guard", "firewalls",
     [](Config& c, const std::string& v) { return parse_service_list(v, c.firewalls); }},
    {"guard", "restore-before",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       if (split_config_list(v).empty()) {  // nothing to wait for
         c.restore_before.clear();
         return std::nullopt;
       }
       return parse_service_list(v, c.restore_before);
     }},
    {"guard", "metrics-file",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       // Written by root through a temporary file beside it: a plain absolute path only.
       const bool plain = v.find_first_of(" \t\r\n\"\\") == std::string::npos &&
                          v.find("/../") == std::string::npos && v.find("/./") == std::string::npos;
       if (!v.empty() && (v.front() != '/' || !ends_with(v, ".prom") || !plain || v.size() < 7))
         return "'" + v +
                "' is not an absolute path ending in .prom (node_exporter's textfile collector "
                "reads only those)";
       c.metrics_file = v;
       return std::nullopt;
     }},
    {"guard", "strategy",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       for (auto s : {Strategy::Requires, Strategy::PartOf, Strategy::Reconcile, Strategy::None}) {
         if (v == to_string(s)) {
           c.strategy = s;
           return std::nullopt;
         }
       }
       return "'" + v + "' is not one of requires, partof, reconcile, none";
     }},
    {"hook", "enabled",
     [](Config& c, const std::string& v) { return parse_bool(v, c.hook_enabled); }},
    {"hook", "packages",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       // Package names go into argument vectors only, but keep them to RPM's name syntax.
       auto names = split_config_list(v);
       if (names.empty()) return "empty; to turn the hooks off, set enabled = no";
       for (const auto& n : names) {
         if (!is_package_name(n)) return "'" + n + "' is not a package name";
       }
       c.packages = std::move(names);
       return std::nullopt;
     }},
    {"hook", "action",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       for (auto a : {HookAction::Restart, HookAction::Report}) {
         if (v == to_string(a)) {
           c.hook_action = a;
           return std::nullopt;
         }
       }
       return "'" + v + "' is not one of restart, report";
     }},
    {"hook", "dry-run", [](Config& c, const std::string& v) { return parse_bool(v, c.dry_run); }},
    {"hook", "timeout",
     [](Config& c, const std::string& v) -> std::optional<std::string> {
       constexpr unsigned long max_timeout = 3600;
       char* end = nullptr;
       errno = 0;
       const unsigned long n = std::strtoul(v.c_str(), &end, 10);
       if (v.empty() || v.front() == '-' || v.front() == '+' || *end != '\0' || errno != 0 ||
           n == 0 || n > max_timeout)
         return "'" + v + "' is not a whole number of seconds from 1 to 3600";
       c.timeout_seconds = static_cast<unsigned>(n);
       return std::nullopt;
     }},
};

struct ParseState {
  LoadedConfig& loaded;
  const std::string& file;
  std::set<std::string> unknown_sections;
};

int on_assignment(void* user, const char* section, const char* name, const char* value) {
  auto& state = *static_cast<ParseState*>(user);
  auto problem = [&](std::string key, std::string message) {
    state.loaded.problems.push_back({state.file, section, std::move(key), std::move(message)});
  };
  bool section_known = false;
  for (const auto& key : keys) {
    if (std::string_view(key.section) != section) continue;
    section_known = true;
    if (std::string_view(key.name) != name) continue;
    if (auto error = key.set(state.loaded.config, value)) {
      problem(name, *error + "; ignored");
    } else {
      state.loaded.config.origin[std::string(section) + "." + name] = state.file;
    }
    return 1;
  }
  if (!section_known) {
    if (*section == '\0') {
      problem("", std::string("'") + name + "' outside of any section; ignored");
    } else if (state.unknown_sections.insert(section).second) {
      problem("", "unknown section; ignored");
    }
  } else {
    problem(name, "unknown key; ignored");
  }
  return 1;
}

// Lines inih would misread without a word: it takes an indented line as the continuation of
// the previous value (replacing it), and cuts lines longer than its buffer. Such lines are
// reported and blanked, so line numbers stay right.
std::string without_misread_lines(std::string_view text, LoadedConfig& loaded,
                                  const std::string& file) {
  // inih reads each line into INI_MAX_LINE bytes, its NUL included; newer ones (r61 in Debian 14)
  // also report a line whose newline does not fit (benhoyt/inih#188): the newline needs its byte.
  constexpr std::size_t max_line = INI_MAX_LINE - 2;
  std::string out;
  std::size_t number = 0;
  for (std::size_t start = 0; start < text.size(); ++number) {
    const auto end = std::min(text.find('\n', start), text.size());
    const auto line = text.substr(start, end - start);
    start = end + 1;
    const auto first = line.find_first_not_of(" \t\r");
    const bool indented =
        first != 0 && first != std::string_view::npos && line[first] != '#' && line[first] != ';';
    std::string problem;
    if (line.size() > max_line) {
      problem = "longer than " + std::to_string(max_line) + " characters";
    } else if (indented) {
      problem = "starts with white space (continuation lines are not supported)";
    }
    if (problem.empty()) {
      out.append(line);
    } else {
      loaded.problems.push_back(
          {file, "", "", "line " + std::to_string(number + 1) + ": " + problem + "; line ignored"});
    }
    out += '\n';
  }
  return out;
}

bool has_control_characters(std::string_view name) {
  return std::any_of(name.begin(), name.end(),
                     [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

}  // namespace

void apply_config_text(LoadedConfig& loaded, std::string_view text, const std::string& file) {
  ParseState state{loaded, file, {}};
  const auto checked = without_misread_lines(text, loaded, file);
  const int line = ini_parse_string(checked.c_str(), on_assignment, &state);
  if (line > 0)
    loaded.problems.push_back(
        {file, "", "", "line " + std::to_string(line) + ": syntax error; line ignored"});
  loaded.files.push_back(file);
}

LoadedConfig load_config(std::string_view root) {
  LoadedConfig loaded;
  auto apply_file = [&](const std::string& path) {
    auto text = read_file(join_root(root, path));
    if (!text) {
      loaded.problems.push_back({path, "", "", "cannot read: " + text.error() + "; ignored"});
      return;
    }
    apply_config_text(loaded, text.value(), path);
  };

  for (const char* path : config_main_paths) {
    switch (classify_entry(root, join_root(root, path))) {
      case EntryKind::Missing: continue;
      case EntryKind::Regular: apply_file(path); break;
      case EntryKind::Special:
        loaded.problems.push_back({path, "", "", "not a regular file; ignored"});
        break;
      case EntryKind::Null:
      case EntryKind::Empty: break;  // masked
    }
    break;  // the most important main file wins
  }

  // As systemd's conf_files_list(): hidden files and anything but a regular file or a mask
  // are skipped, a mask hides the same name in less important directories.
  std::map<std::string, std::string> dropins;  // name -> winning path, "" when masked
  for (const char* dir : config_dropin_dirs) {
    struct stat st {};
    if (stat(join_root(root, dir).c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
      loaded.problems.push_back({dir, "", "", "not a directory; ignored"});
      continue;
    }
    for (const auto& name : list_dir(join_root(root, dir))) {
      if (name.front() == '.' || !ends_with(name, ".conf") || dropins.count(name)) continue;
      const std::string path = std::string(dir) + "/" + name;
      if (has_control_characters(name)) {
        // The name goes into the drop-in's header; never let it add lines there.
        loaded.problems.push_back({dir, "", "", "a file name holds control characters; ignored"});
        continue;
      }
      switch (classify_entry(root, join_root(root, path))) {
        case EntryKind::Missing:
        case EntryKind::Special: break;
        case EntryKind::Regular: dropins[name] = path; break;
        case EntryKind::Null:
        case EntryKind::Empty: dropins[name] = ""; break;
      }
    }
  }
  for (const auto& [name, path] : dropins) {
    if (!path.empty()) apply_file(path);
  }
  return loaded;
}

}  // namespace dfg
