#include "curl_docker_engine.h"

#include <curl/curl.h>

#include <memory>

#include "fs.h"

namespace dfg {
namespace {

constexpr std::size_t max_answer = 16 * 1024 * 1024;

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
using CurlPtr = std::unique_ptr<CURL, CurlCleanup>;

/// libcurl's write callback: appends to the string, stops past max_answer.
std::size_t append(char* data, std::size_t size, std::size_t count, void* into) {
  auto& body = *static_cast<std::string*>(into);
  const std::size_t n = size * count;
  if (body.size() + n > max_answer) return 0;  // libcurl then fails with CURLE_WRITE_ERROR
  body.append(data, n);
  return n;
}

}  // namespace

CurlDockerEngine::CurlDockerEngine(std::string root) : m_root(std::move(root)) {
  // Before any other libcurl call; nothing of SSL or Win32 is needed for a unix socket.
  static const auto initialised = curl_global_init(CURL_GLOBAL_NOTHING);
  (void)initialised;
}

Expected<std::string> CurlDockerEngine::get(const std::string& socket, const std::string& path,
                                            std::chrono::milliseconds timeout) {
  const std::string what = "GET " + path + " on " + socket;
  const auto rooted = join_root(m_root, socket);
  CurlPtr curl(curl_easy_init());
  if (!curl) return fail(what + ": libcurl could not start");
  std::string body;
  char error[CURL_ERROR_SIZE] = "";
  const std::string url = "http://docker" + path;  // the host name is not looked up
  curl_easy_setopt(curl.get(), CURLOPT_UNIX_SOCKET_PATH, rooted.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  const auto result = curl_easy_perform(curl.get());
  if (result != CURLE_OK)
    return fail(what + ": " + (error[0] != '\0' ? error : curl_easy_strerror(result)));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) return fail(what + ": HTTP status " + std::to_string(status));
  return body;
}

}  // namespace dfg
