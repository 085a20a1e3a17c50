#include "kmsg_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace dfg {
namespace {

int parse_level(const char* text) {
  constexpr int default_level = static_cast<int>(LogLevel::Info);
  if (text == nullptr) return default_level;
  const char* names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (std::strcmp(text, names[i]) == 0) return i;
  }
  if (text[0] >= '0' && text[0] <= '7' && text[1] == '\0') return text[0] - '0';
  return default_level;
}

}  // namespace

KmsgLog::KmsgLog(std::string ident)
    : m_ident(std::move(ident)), m_max_level(parse_level(std::getenv("SYSTEMD_LOG_LEVEL"))) {
  const char* target = std::getenv("SYSTEMD_LOG_TARGET");
  if (target == nullptr || std::strcmp(target, "console") != 0)
    m_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
}

KmsgLog::~KmsgLog() {
  if (m_fd >= 0) close(m_fd);
}

void KmsgLog::write(LogLevel level, std::string_view message) {
  // One write(2) per record: /dev/kmsg takes each write as one message.
  std::string line = m_fd >= 0 ? fmt::format("<{}>", static_cast<int>(level)) : "";
  line += fmt::format("{}[{}]: {}\n", m_ident, getpid(), message);
  const int fd = m_fd >= 0 ? m_fd : STDERR_FILENO;
  if (::write(fd, line.data(), line.size()) < 0) {
    // Nowhere left to report a failed log write; never let it stop the boot.
  }
}

}  // namespace dfg
