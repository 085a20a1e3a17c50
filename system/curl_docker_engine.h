#pragma once

#include <string>

#include "docker_engine.h"

namespace dfg {

/// The Engine API over dockerd's unix socket, with libcurl: plain HTTP, no proxy, no signals
/// (the command's deadline owns SIGALRM), answers up to 16 MiB.
class CurlDockerEngine : public DockerEngine {
 public:
  explicit CurlDockerEngine(std::string socket = "/run/docker.sock");
  Expected<std::string> get(const std::string& path, std::chrono::milliseconds timeout) override;

 private:
  std::string m_socket;
};

}  // namespace dfg
