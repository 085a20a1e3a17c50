#pragma once

#include <chrono>
#include <string>

#include "error.h"

namespace dfg {

/// Docker's Engine API, narrowed to what the guard asks of it: GET requests whose answers are
/// JSON. libcurl over dockerd's unix socket in the command (system/curl_docker_engine.h),
/// recorded answers in unit tests.
class DockerEngine {
 public:
  virtual ~DockerEngine() = default;
  /// The body of a 200 answer to GET `path` ("/containers/json") on the unix socket at
  /// `socket` (DockerSettings::api_socket), within `timeout`; an error naming the path and
  /// socket otherwise (no socket, no answer in time, another status).
  virtual Expected<std::string> get(const std::string& socket, const std::string& path,
                                    std::chrono::milliseconds timeout) = 0;
};

}  // namespace dfg
