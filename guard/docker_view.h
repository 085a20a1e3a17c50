#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "docker_engine.h"
#include "error.h"
#include "family.h"

namespace dfg {

/// A port a container publishes on the host.
struct PublishedPort {
  std::string protocol;         ///< tcp, udp, sctp
  std::string host_ip;          ///< "0.0.0.0", "::", or one address
  std::uint16_t host_port = 0;  ///< 0: opened on a routed network, mapped from no host port
  std::uint16_t container_port = 0;
};

/// A container's address on one network.
struct Attachment {
  std::string network;  ///< the network's name
  std::string ipv4;     ///< "" when it has none there
  std::string ipv6;

  /// Its address in `family`.
  const std::string& address(Family family) const { return family == Family::IPv6 ? ipv6 : ipv4; }
};

/// A running container, as dockerd holds it now.
struct ContainerView {
  std::string id;
  std::string name;
  std::vector<Attachment> attachments;
  std::vector<PublishedPort> ports;
};

/// A network of dockerd's.
struct NetworkView {
  std::string id;
  std::string name;
  std::string driver;  ///< bridge, host, null, macvlan, ...
  std::string bridge;  ///< the bridge interface of a bridge network ("docker0", "br-<id12>")
  std::vector<std::string> subnets;  ///< IPv4 and IPv6 prefixes
  bool internal = false;
  bool masquerade = true;  ///< com.docker.network.bridge.enable_ip_masquerade
  /// com.docker.network.bridge.gateway_mode_ipv4 and _ipv6 (Docker 28): "nat" (the default)
  /// and "nat-unprotected" translate; "routed" and "isolated" neither masquerade nor map
  /// ports (moby's iptablesdoc, usernet-portmap-routed.md).
  std::string gateway_mode_ipv4 = "nat", gateway_mode_ipv6 = "nat";

  /// Whether Docker maps the family's published ports to this network (DNAT): a bridge, not
  /// internal, in a NAT gateway mode (an unknown mode does not: nothing is expected of it).
  bool maps_ports(Family family) const;
  /// Whether it also source-NATs what leaves it (MASQUERADE).
  bool masquerades(Family family) const { return maps_ports(family) && masquerade; }
};

/// What dockerd holds now: its running containers and its networks.
struct DockerView {
  std::vector<ContainerView> containers;
  std::vector<NetworkView> networks;

  const NetworkView* network(std::string_view name) const;
  /// How many ports are published on the host, over every container.
  std::size_t published_ports() const;
};

/// Reads the answers of GET /containers/json and GET /networks (Docker 20.10 to 28); an
/// error naming what is not as the Engine API documents it.
Expected<DockerView> parse_docker_view(std::string_view containers_json,
                                       std::string_view networks_json);

/// How long the guard waits for each answer of dockerd's: it answers these in milliseconds.
constexpr std::chrono::seconds docker_api_timeout{5};

/// Asks dockerd on `socket` (DockerSettings::api_socket; "" when it listens on none), both
/// requests, `timeout` each. An API that does not answer in time is an error: "cannot
/// tell", never "nothing there".
Expected<DockerView> ask_docker(DockerEngine& engine, const std::string& socket,
                                std::chrono::milliseconds timeout);

/// `view` as lines of words (a network, a container, each attachment and published port of
/// the container above it), as a snapshot keeps what dockerd held when it was taken.
std::vector<std::string> render_view(const DockerView& view);

/// Reads what render_view wrote; an error names the line (counted from 1) that is not.
Expected<DockerView> parse_view(const std::vector<std::string>& lines);

/// The containers of `view` that a restart of dockerd with live-restore off stops for good:
/// those whose restart policy (HostConfig.RestartPolicy.Name of GET /containers/ID/json) is
/// neither "always" nor "unless-stopped", by name. An error when one cannot be told.
Expected<std::vector<std::string>> stopped_by_restart(DockerEngine& engine,
                                                      const std::string& socket,
                                                      const DockerView& view,
                                                      std::chrono::milliseconds timeout);

/// One line: "3 containers, 2 published ports, 4 networks".
std::string summary(const DockerView& view);

}  // namespace dfg
