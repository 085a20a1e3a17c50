#include "dockerd_flags.h"

#include <algorithm>
#include <map>

#include "fs.h"

namespace dfg {
namespace {

/// Go's strconv.ParseBool, which dockerd's flags use.
std::optional<bool> parse_go_bool(std::string_view v) {
  for (const char* t : {"1", "t", "T", "true", "TRUE", "True"})
    if (v == t) return true;
  for (const char* f : {"0", "f", "F", "false", "FALSE", "False"})
    if (v == f) return false;
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

/// The value of NAME in "NAME=value" entries; the last one wins, as in systemd.
std::optional<std::string> lookup(const std::vector<std::string>& environment,
                                  const std::string& name) {
  for (auto it = environment.rbegin(); it != environment.rend(); ++it) {
    if (it->size() > name.size() && it->compare(0, name.size(), name) == 0 &&
        (*it)[name.size()] == '=')
      return it->substr(name.size() + 1);
  }
  return std::nullopt;
}

bool is_name_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/// Splits at white space outside quotes; quotes group, backslash escapes.
std::vector<std::string> split_systemd_words(std::string_view line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
      in_word = true;
    } else if (c == ' ' || c == '\t') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

/// Replaces each ${NAME} in `word` by NAME's value.
std::string expand_braced(const std::string& word, const std::vector<std::string>& environment) {
  std::string out;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (word[i] == '$' && i + 1 < word.size() && word[i + 1] == '{') {
      const auto close = word.find('}', i + 2);
      if (close != std::string::npos) {
        out += lookup(environment, word.substr(i + 2, close - i - 2)).value_or("");
        i = close;
        continue;
      }
    }
    out += word[i];
  }
  return out;
}

/// "KEY=value" lines of an EnvironmentFile=, quotes removed; comments and junk skipped.
void read_environment_file(std::string_view root, std::string path,
                           std::vector<std::string>& environment) {
  if (!path.empty() && path.front() == '-') path.erase(0, 1);  // optional file
  const auto text = read_file(join_root(root, path));
  if (!text) return;
  const std::string& t = text.value();
  for (std::size_t start = 0; start < t.size();) {
    const auto end = std::min(t.find('\n', start), t.size());
    const auto line = trim(std::string_view(t).substr(start, end - start));
    start = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || eq == 0) continue;
    std::string value(trim(line.substr(eq + 1)));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
        value.back() == value.front())
      value = value.substr(1, value.size() - 2);
    environment.push_back(std::string(trim(line.substr(0, eq))) + "=" + value);
  }
}

/// What the [Service] sections of a unit's files say about how it starts.
struct ServiceLines {
  std::string exec_start;  ///< the last ExecStart= after the last reset
  bool reloads = false;    ///< an ExecReload= after the last reset
  std::vector<std::string> environment;
};

void apply_unit_file(std::string_view root, const std::string& path, ServiceLines& lines) {
  const auto text = read_file(join_root(root, path));
  if (!text) return;
  // Join continuation lines (a trailing backslash), then read key=value in [Service].
  std::string joined;
  std::vector<std::string> logical;
  const std::string& t = text.value();
  for (std::size_t start = 0; start <= t.size();) {
    const auto end = std::min(t.find('\n', start), t.size());
    std::string line(t.substr(start, end - start));
    start = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty() && line.back() == '\\') {
      line.back() = ' ';
      joined += line;
      continue;
    }
    logical.push_back(joined + line);
    joined.clear();
    if (end == t.size()) break;
  }
  std::string section;
  for (const auto& raw : logical) {
    const auto line = trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      section = std::string(line);
      continue;
    }
    if (section != "[Service]") continue;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    const auto key = trim(line.substr(0, eq));
    const auto value = std::string(trim(line.substr(eq + 1)));
    if (key == "ExecStart") {
      lines.exec_start = value;  // an empty one resets; the last one is what runs
    } else if (key == "ExecReload") {
      lines.reloads = !value.empty();  // a list: an empty one resets it
    } else if (key == "Environment") {
      for (auto& word : split_systemd_words(value)) lines.environment.push_back(word);
    } else if (key == "EnvironmentFile" && !value.empty()) {
      read_environment_file(root, value, lines.environment);
    }
  }
}

/// The files of unit `name` in systemd's order: its fragment, then its drop-ins in file-name
/// order (a name in a more important directory hides the rest); none when it is not found.
std::vector<std::string> unit_file_paths(std::string_view root, const UnitFiles& units,
                                         const std::string& name) {
  const auto fragment = units.find(name);
  if (fragment.state != UnitLookup::State::Found) return {};
  std::vector<std::string> paths{fragment.path};
  std::map<std::string, std::string> dropins;
  for (const char* dir : unit_search_path) {
    const std::string d = std::string(dir) + "/" + name + ".d";
    for (const auto& file : list_dir(join_root(root, d)))
      if (ends_with(file, ".conf")) dropins.emplace(file, d + "/" + file);
  }
  for (auto& [file, path] : dropins) paths.push_back(std::move(path));
  return paths;
}

/// The first path of the last ListenStream= list of `socket`'s files (an empty one resets),
/// or "/run/docker.sock", docker.socket's own.
std::string activated_socket(std::string_view root, const UnitFiles& units,
                             const std::string& socket) {
  std::vector<std::string> listen;
  for (const auto& path : unit_file_paths(root, units, socket)) {
    const auto text = read_file(join_root(root, path));
    if (!text) continue;
    std::string section;
    for (std::size_t start = 0; start < text.value().size();) {
      const auto end = std::min(text.value().find('\n', start), text.value().size());
      const auto line = trim(std::string_view(text.value()).substr(start, end - start));
      start = end + 1;
      if (!line.empty() && line.front() == '[') section = std::string(line);
      const auto eq = line.find('=');
      if (section != "[Socket]" || eq == std::string_view::npos ||
          trim(line.substr(0, eq)) != "ListenStream")
        continue;
      const auto value = std::string(trim(line.substr(eq + 1)));
      if (value.empty()) listen.clear();
      if (!value.empty() && value.front() == '/') listen.push_back(value);
    }
  }
  return listen.empty() ? "/run/docker.sock" : listen.front();
}

DockerSettingsResult combine(std::string_view root, const DockerdFlags& flags,
                             const std::string& service) {
  auto result = read_daemon_json(root, flags.config_file.value_or(docker_daemon_json));
  const auto& hosts = flags.hosts.empty() ? result.settings.hosts : flags.hosts;
  if (!flags.hosts.empty()) result.settings.api_socket_origin = "dockerd's -H flag";
  if (!hosts.empty()) {
    const auto socket_unit = service.substr(0, service.rfind('.')) + ".socket";
    result.settings.api_socket =
        api_socket_of(hosts, activated_socket(root, UnitFiles(std::string(root)), socket_unit));
  }
  // dockerd refuses to start when a flag and daemon.json both set a key; a flag wins here.
  if (flags.iptables) {
    result.settings.iptables = *flags.iptables;
    result.settings.iptables_origin = "dockerd's --iptables flag";
  }
  if (flags.ip6tables) result.settings.ip6tables = *flags.ip6tables;
  if (flags.live_restore) result.settings.live_restore = *flags.live_restore;
  if (flags.firewall_backend) {
    result.settings.firewall_backend = *flags.firewall_backend;
    result.settings.firewall_backend_origin = "dockerd's --firewall-backend flag";
  }
  return result;
}

}  // namespace

DockerdFlags parse_dockerd_args(const std::vector<std::string>& args) {
  DockerdFlags flags;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (arg.substr(0, 2) == "-H") {  // pflag's short form of --host
      const auto value = arg.substr(arg.size() > 2 && arg[2] == '=' ? 3 : 2);
      if (!value.empty()) {
        flags.hosts.emplace_back(value);
      } else if (i + 1 < args.size()) {
        flags.hosts.push_back(args[++i]);
      }
      continue;
    }
    if (arg.substr(0, 2) != "--") continue;
    const auto eq = arg.find('=');
    const auto name = arg.substr(2, eq == std::string_view::npos ? std::string_view::npos : eq - 2);
    const std::optional<std::string_view> value =
        eq == std::string_view::npos ? std::nullopt : std::optional(arg.substr(eq + 1));
    auto boolean = [&](std::optional<bool>& into) {
      into = value ? parse_go_bool(*value) : std::optional(true);
    };
    if (name == "iptables") {
      boolean(flags.iptables);
    } else if (name == "ip6tables") {
      boolean(flags.ip6tables);
    } else if (name == "live-restore") {
      boolean(flags.live_restore);
    } else if (name == "config-file" || name == "firewall-backend") {
      auto& into = name == "config-file" ? flags.config_file : flags.firewall_backend;
      if (value) {
        into = std::string(*value);
      } else if (i + 1 < args.size()) {
        into = args[++i];
      }
    } else if (name == "host") {
      if (value) {
        flags.hosts.emplace_back(*value);
      } else if (i + 1 < args.size()) {
        flags.hosts.push_back(args[++i]);
      }
    }
  }
  return flags;
}

std::vector<std::string> split_exec_line(std::string_view line,
                                         const std::vector<std::string>& environment) {
  line = trim(line);
  while (!line.empty() && std::string_view("-@:+!").find(line.front()) != std::string_view::npos)
    line.remove_prefix(1);
  std::vector<std::string> out;
  for (const auto& word : split_systemd_words(line)) {
    // "$NAME" alone becomes the words of its value; "${NAME}" anywhere, its value.
    if (word.size() > 1 && word[0] == '$' &&
        std::all_of(word.begin() + 1, word.end(), is_name_char)) {
      for (auto& w : split_systemd_words(lookup(environment, word.substr(1)).value_or("")))
        out.push_back(w);
    } else {
      out.push_back(expand_braced(word, environment));
    }
  }
  return out;
}

std::vector<std::string> docker_exec_start(std::string_view root, const UnitFiles& units,
                                           const std::string& service) {
  ServiceLines lines;
  for (const auto& path : unit_file_paths(root, units, service)) apply_unit_file(root, path, lines);
  if (lines.exec_start.empty()) return {};
  return split_exec_line(lines.exec_start, lines.environment);
}

bool can_reload(std::string_view root, const UnitFiles& units, const std::string& unit) {
  ServiceLines lines;
  for (const auto& path : unit_file_paths(root, units, unit)) apply_unit_file(root, path, lines);
  return lines.reloads;
}

DockerSettingsResult read_docker_settings(std::string_view root, const UnitFiles& units,
                                          const std::string& service) {
  return combine(root, parse_dockerd_args(docker_exec_start(root, units, service)), service);
}

DockerSettingsResult docker_settings_from_cmdline(std::string_view root, std::string_view cmdline,
                                                  const std::string& service) {
  std::vector<std::string> args;
  for (std::size_t start = 0; start < cmdline.size();) {
    const auto end = std::min(cmdline.find('\0', start), cmdline.size());
    args.emplace_back(cmdline.substr(start, end - start));
    start = end + 1;
  }
  return combine(root, parse_dockerd_args(args), service);
}

}  // namespace dfg
