#include "docker_settings.h"

#include <cerrno>
#include <nlohmann/json.hpp>

#include "fs.h"

namespace dfg {

const char* const docker_daemon_json = "/etc/docker/daemon.json";

std::string api_socket_of(const std::vector<std::string>& hosts, const std::string& activated) {
  for (const auto& host : hosts) {
    if (host.rfind("unix://", 0) == 0) return host.size() > 7 ? host.substr(7) : "/run/docker.sock";
    if (host.rfind("fd://", 0) == 0) return activated;
  }
  return {};
}

DockerSettingsResult parse_daemon_json(std::string_view text, const std::string& file) {
  DockerSettingsResult result;
  // No exceptions: a parse error yields a "discarded" value.
  const auto json = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    result.warning = file + ": not a JSON object; assuming Docker's defaults";
    return result;
  }
  auto read_bool = [&](const char* key, auto assign) {
    const auto it = json.find(key);
    if (it == json.end()) return;
    if (it->is_boolean()) {
      assign(it->template get<bool>());
    } else {
      if (!result.warning.empty()) result.warning += "; ";
      result.warning += file + ": \"" + key + "\" is not true or false; assuming Docker's default";
    }
  };
  read_bool("iptables", [&](bool v) {
    result.settings.iptables = v;
    result.settings.iptables_origin = file;
  });
  read_bool("ip6tables", [&](bool v) { result.settings.ip6tables = v; });
  read_bool("live-restore", [&](bool v) { result.settings.live_restore = v; });
  if (const auto it = json.find("hosts"); it != json.end()) {
    std::vector<std::string> hosts;
    if (it->is_array())
      for (const auto& host : *it)
        if (host.is_string()) hosts.push_back(host.get<std::string>());
    if (!it->is_array() || hosts.size() != it->size()) {
      if (!result.warning.empty()) result.warning += "; ";
      result.warning += file + ": \"hosts\" is not a list of strings; assuming Docker's default";
    } else if (!hosts.empty()) {
      result.settings.hosts = std::move(hosts);
      result.settings.api_socket_origin = file;
    }
  }
  if (const auto it = json.find("firewall-backend"); it != json.end()) {
    if (it->is_string()) {
      result.settings.firewall_backend = it->get<std::string>();
      result.settings.firewall_backend_origin = file;
    } else {
      if (!result.warning.empty()) result.warning += "; ";
      result.warning += file + ": \"firewall-backend\" is not a string; assuming Docker's default";
    }
  }
  return result;
}

DockerSettingsResult read_daemon_json(std::string_view root, const std::string& path) {
  const auto full = join_root(root, path);
  if (!entry_exists(full)) return {};
  auto text = read_file(full);
  if (!text) {
    DockerSettingsResult result;
    result.warning = path + ": cannot read: " + text.error() + "; assuming Docker's defaults";
    return result;
  }
  return parse_daemon_json(text.value(), path);
}

}  // namespace dfg
