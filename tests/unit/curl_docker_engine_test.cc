// The Engine API adapter against a unix-socket server of the test's own: what it answers,
// what it says when the socket is missing, and that a dockerd that does not answer costs no
// more than the timeout.
#include "curl_docker_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "temp_root.h"

namespace dfg {
namespace {

using ::testing::HasSubstr;

/// Serves one connection on `path`: reads the request, then answers `response` (or, empty,
/// says nothing until the client goes away).
class OneShotServer {
 public:
  OneShotServer(const std::string& path, std::string response) {
    m_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, sizeof address.sun_path - 1);
    EXPECT_EQ(bind(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    EXPECT_EQ(listen(m_fd, 1), 0);
    m_thread = std::thread([this, response = std::move(response)] {
      const int client = accept(m_fd, nullptr, nullptr);
      if (client < 0) return;
      char buffer[4096];
      const auto n = read(client, buffer, sizeof buffer);
      if (n > 0) request.assign(buffer, static_cast<std::size_t>(n));
      if (!response.empty()) {
        (void)!write(client, response.data(), response.size());
      } else {
        while (read(client, buffer, sizeof buffer) > 0) {
        }
      }
      close(client);
    });
  }
  ~OneShotServer() {
    m_thread.join();
    close(m_fd);
  }
  std::string request;

 private:
  int m_fd = -1;
  std::thread m_thread;
};

TEST(CurlDockerEngine, GetsTheBodyOfA200Answer) {
  test::TempRoot root;
  const auto socket_path = root.path() + "/docker.sock";
  const std::string body = R"([{"Id": "c1"}])";
  std::string request;
  {
    OneShotServer server(socket_path,
                         "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                             std::to_string(body.size()) + "\r\n\r\n" + body);
    CurlDockerEngine engine(root.path());  // the socket under the root
    const auto answer = engine.get("/docker.sock", "/containers/json", std::chrono::seconds(5));
    ASSERT_TRUE(answer.ok()) << answer.error();
    EXPECT_EQ(answer.value(), body);
    request = server.request;
  }
  EXPECT_THAT(request, HasSubstr("GET /containers/json HTTP/1.1\r\n"));
}

TEST(CurlDockerEngine, AnotherStatusOrNoSocketIsAnErrorNamingThePath) {
  test::TempRoot root;
  const auto socket_path = root.path() + "/docker.sock";
  {
    OneShotServer server(socket_path,
                         "HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
    const auto answer =
        CurlDockerEngine(root.path()).get("/docker.sock", "/networks", std::chrono::seconds(5));
    EXPECT_EQ(answer.error(), "GET /networks on /docker.sock: HTTP status 500");
  }
  const auto none =
      CurlDockerEngine(root.path()).get("/none.sock", "/networks", std::chrono::seconds(5));
  EXPECT_THAT(none.error(), HasSubstr("GET /networks on /none.sock: "));
}

TEST(CurlDockerEngine, ADockerdThatDoesNotAnswerIsAnErrorAtTheTimeout) {
  test::TempRoot root;
  const auto socket_path = root.path() + "/docker.sock";
  OneShotServer server(socket_path, "");
  const auto answer = CurlDockerEngine(root.path())
                          .get("/docker.sock", "/networks", std::chrono::milliseconds(300));
  EXPECT_FALSE(answer.ok());
  EXPECT_THAT(answer.error(), HasSubstr("GET /networks on /docker.sock: "));
  EXPECT_THAT(answer.error(), HasSubstr("timed out")) << "libcurl's own words";
}

}  // namespace
}  // namespace dfg
