#pragma once

#include <string>

#include "docker_engine.h"

namespace dfg {

/// The Engine API over dockerd's unix socket, with libcurl: plain HTTP, no proxy, no signals
/// (the command's deadline owns SIGALRM), answers up to 16 MiB.
class CurlDockerEngine : public DockerEngine {
 public:
  /// Sockets are looked up under `root`.
  explicit CurlDockerEngine(std::string root = "/");
  Expected<std::string> get(const std::string& socket, const std::string& path,
                            std::chrono::milliseconds timeout) override;

 private:
  std::string m_root;
};

}  // namespace dfg
