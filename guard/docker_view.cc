#include "docker_view.h"

#include <algorithm>
#include <charconv>

#include <nlohmann/json.hpp>

namespace dfg {
namespace {

using nlohmann::json;

/// A string member, or "" when absent or of another type.
std::string text(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The JSON array an answer must be, or why not.
Expected<json> array_of(std::string_view body, const char* what) {
  auto parsed = json::parse(body.begin(), body.end(), nullptr, false);
  if (parsed.is_discarded() || !parsed.is_array())
    return fail(std::string(what) + ": not a JSON array");
  return parsed;
}

Expected<ContainerView> container_of(const json& c) {
  if (!c.is_object() || text(c, "Id").empty()) return fail("a container without an Id");
  ContainerView view;
  view.id = text(c, "Id");
  if (const auto names = c.find("Names");
      names != c.end() && names->is_array() && !names->empty() && names->front().is_string()) {
    view.name = names->front().get<std::string>();
    if (!view.name.empty() && view.name.front() == '/') view.name.erase(0, 1);
  }
  if (const auto ports = c.find("Ports"); ports != c.end() && ports->is_array()) {
    for (const auto& p : *ports) {
      const auto pub = p.find("PublicPort");
      const auto priv = p.find("PrivatePort");
      // A port exposed but not published has neither PublicPort nor IP: no rule of Docker's
      // for it. One published on a routed network (Docker 28's gateway modes) has an IP but
      // no PublicPort: opened to its container's own address, mapped from none.
      const bool opened = pub == p.end() && !text(p, "IP").empty();
      if ((pub == p.end() && !opened) || priv == p.end() || !priv->is_number_unsigned() ||
          (!opened && !pub->is_number_unsigned()))
        continue;
      view.ports.push_back({text(p, "Type"), text(p, "IP"),
                            opened ? std::uint16_t{0} : pub->get<std::uint16_t>(),
                            priv->get<std::uint16_t>()});
    }
  }
  const auto settings = c.find("NetworkSettings");
  if (settings != c.end() && settings->is_object()) {
    const auto networks = settings->find("Networks");
    if (networks != settings->end() && networks->is_object()) {
      for (const auto& [name, endpoint] : networks->items()) {
        if (!endpoint.is_object()) continue;
        view.attachments.push_back(
            {name, text(endpoint, "IPAddress"), text(endpoint, "GlobalIPv6Address")});
      }
    }
  }
  return view;
}

Expected<NetworkView> network_of(const json& n) {
  if (!n.is_object() || text(n, "Id").empty() || text(n, "Name").empty())
    return fail("a network without an Id or Name");
  NetworkView view;
  view.id = text(n, "Id");
  view.name = text(n, "Name");
  view.driver = text(n, "Driver");
  if (const auto internal = n.find("Internal"); internal != n.end() && internal->is_boolean())
    view.internal = internal->get<bool>();
  std::string bridge, masquerade;
  if (const auto options = n.find("Options"); options != n.end() && options->is_object()) {
    bridge = text(*options, "com.docker.network.bridge.name");
    masquerade = text(*options, "com.docker.network.bridge.enable_ip_masquerade");
    for (auto [key, mode] :
         {std::pair{"com.docker.network.bridge.gateway_mode_ipv4", &view.gateway_mode_ipv4},
          std::pair{"com.docker.network.bridge.gateway_mode_ipv6", &view.gateway_mode_ipv6}})
      if (const auto given = text(*options, key); !given.empty()) *mode = given;
  }
  // libnetwork names a bridge it makes "br-" and the network ID's first 12 characters.
  if (view.driver == "bridge")
    view.bridge = bridge.empty() ? "br-" + view.id.substr(0, 12) : bridge;
  view.masquerade = masquerade != "false";
  const auto ipam = n.find("IPAM");
  if (ipam != n.end() && ipam->is_object()) {
    const auto config = ipam->find("Config");
    if (config != ipam->end() && config->is_array()) {
      for (const auto& c : *config)
        if (c.is_object() && !text(c, "Subnet").empty()) view.subnets.push_back(text(c, "Subnet"));
    }
  }
  return view;
}

}  // namespace

bool NetworkView::maps_ports(Family family) const {
  const auto& mode = family == Family::IPv6 ? gateway_mode_ipv6 : gateway_mode_ipv4;
  return !bridge.empty() && !internal && (mode == "nat" || mode == "nat-unprotected");
}

const NetworkView* DockerView::network(std::string_view name) const {
  for (const auto& n : networks)
    if (n.name == name) return &n;
  return nullptr;
}

std::size_t DockerView::published_ports() const {
  std::size_t count = 0;
  for (const auto& c : containers)
    for (const auto& p : c.ports) count += p.host_port != 0 ? 1 : 0;
  return count;
}

Expected<DockerView> parse_docker_view(std::string_view containers_json,
                                       std::string_view networks_json) {
  const auto containers = array_of(containers_json, "GET /containers/json");
  if (!containers) return fail(containers);
  const auto networks = array_of(networks_json, "GET /networks");
  if (!networks) return fail(networks);
  DockerView view;
  for (const auto& c : containers.value()) {
    auto container = container_of(c);
    if (!container) return fail("GET /containers/json: " + container.error());
    view.containers.push_back(std::move(container).value());
  }
  for (const auto& n : networks.value()) {
    auto network = network_of(n);
    if (!network) return fail("GET /networks: " + network.error());
    view.networks.push_back(std::move(network).value());
  }
  return view;
}

Expected<DockerView> ask_docker(DockerEngine& engine, const std::string& socket,
                                std::chrono::milliseconds timeout) {
  if (socket.empty())
    return fail("dockerd listens on no unix socket (its -H flags or daemon.json's \"hosts\")");
  // Running containers only (the API's default): a stopped one has no rules of Docker's.
  const auto containers = engine.get(socket, "/containers/json", timeout);
  if (!containers) return fail(containers);
  const auto networks = engine.get(socket, "/networks", timeout);
  if (!networks) return fail(networks);
  return parse_docker_view(containers.value(), networks.value());
}

namespace {

/// A value as one word: "-" for empty. dockerd's names, IDs, addresses and options hold no
/// white space; one that did would not read back, so it is refused when read.
std::string word(const std::string& value) { return value.empty() ? "-" : value; }
std::string value(const std::string& word) { return word == "-" ? std::string() : word; }

std::vector<std::string> words_of(const std::string& line, char separator = ' ') {
  std::vector<std::string> words;
  for (std::size_t at = 0; at < line.size();) {
    const auto end = std::min(line.find(separator, at), line.size());
    if (end > at) words.push_back(line.substr(at, end - at));
    at = end + 1;
  }
  return words;
}

template <typename T>
bool number_of(const std::string& text, T& number) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::vector<std::string> render_view(const DockerView& view) {
  std::vector<std::string> lines;
  for (const auto& n : view.networks) {
    std::string subnets;
    for (const auto& subnet : n.subnets) subnets += (subnets.empty() ? "" : ",") + subnet;
    lines.push_back("network " + word(n.id) + " " + word(n.name) + " " + word(n.driver) + " " +
                    word(n.bridge) + " " + (n.internal ? "internal" : "external") + " " +
                    (n.masquerade ? "masquerade" : "no-masquerade") + " " +
                    word(n.gateway_mode_ipv4) + " " + word(n.gateway_mode_ipv6) + " " +
                    word(subnets));
  }
  for (const auto& c : view.containers) {
    lines.push_back("container " + word(c.id) + " " + word(c.name));
    for (const auto& a : c.attachments)
      lines.push_back("attachment " + word(a.network) + " " + word(a.ipv4) + " " + word(a.ipv6));
    for (const auto& p : c.ports)
      lines.push_back("port " + word(p.protocol) + " " + word(p.host_ip) + " " +
                      std::to_string(p.host_port) + " " + std::to_string(p.container_port));
  }
  return lines;
}

Expected<DockerView> parse_view(const std::vector<std::string>& lines) {
  DockerView view;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto w = words_of(lines[i]);
    const auto kind = w.empty() ? std::string() : w[0];
    const bool in_container = !view.containers.empty();
    if (kind == "network" && w.size() == 10) {
      NetworkView n{value(w[1]),        value(w[2]),          value(w[3]), value(w[4]), {},
                    w[5] == "internal", w[6] == "masquerade", value(w[7]), value(w[8])};
      n.subnets = words_of(value(w[9]), ',');
      view.networks.push_back(std::move(n));
    } else if (kind == "container" && w.size() == 3) {
      view.containers.push_back({value(w[1]), value(w[2]), {}, {}});
    } else if (kind == "attachment" && w.size() == 4 && in_container) {
      view.containers.back().attachments.push_back({value(w[1]), value(w[2]), value(w[3])});
    } else if (PublishedPort p{value(w.size() == 5 ? w[1] : ""), value(w.size() == 5 ? w[2] : ""),
                               0, 0};
               kind == "port" && w.size() == 5 && in_container && number_of(w[3], p.host_port) &&
               number_of(w[4], p.container_port)) {
      view.containers.back().ports.push_back(std::move(p));
    } else {
      return fail("line " + std::to_string(i + 1) +
                  ": not a network, container, attachment or "
                  "port of dockerd's: " +
                  lines[i].substr(0, 80));
    }
  }
  return view;
}

Expected<std::vector<std::string>> stopped_by_restart(DockerEngine& engine,
                                                      const std::string& socket,
                                                      const DockerView& view,
                                                      std::chrono::milliseconds timeout) {
  std::vector<std::string> stopped;
  for (const auto& c : view.containers) {
    const auto answer = engine.get(socket, "/containers/" + c.id + "/json", timeout);
    if (!answer) return fail(answer);
    // HostConfig.RestartPolicy.Name, each step checked: an answer of another shape is an
    // error, never an exception.
    const auto inspected = json::parse(answer.value(), nullptr, false);
    const json* at = &inspected;
    for (const char* key : {"HostConfig", "RestartPolicy", "Name"}) {
      if (!at->is_object()) {
        at = nullptr;
        break;
      }
      const auto next = at->find(key);
      at = next != at->end() ? &*next : nullptr;
      if (at == nullptr) break;
    }
    if (at == nullptr || !at->is_string())
      return fail("GET /containers/" + c.id.substr(0, 12) + "/json: no restart policy");
    const auto name = at->get<std::string>();
    if (name != "always" && name != "unless-stopped") stopped.push_back(c.name);
  }
  return stopped;
}

std::string summary(const DockerView& view) {
  auto count = [](std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
  };
  return count(view.containers.size(), "container", "containers") + ", " +
         count(view.published_ports(), "published port", "published ports") + ", " +
         count(view.networks.size(), "network", "networks");
}

}  // namespace dfg
