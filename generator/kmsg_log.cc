#include "kmsg_log.h"

#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include <cstring>
#include <optional>

#include "fs.h"

namespace dfg {
namespace {

std::optional<int> parse_level(std::string_view text) {
  const char* names[] = {"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"};
  for (int i = 0; i < 8; ++i) {
    if (text == names[i]) return i;
  }
  if (text.size() == 1 && text[0] >= '0' && text[0] <= '7') return text[0] - '0';
  return std::nullopt;
}

std::optional<LogTarget> parse_target(std::string_view text) {
  if (text == "console") return LogTarget::Console;
  if (text == "null") return LogTarget::Null;
  for (const char* kmsg :
       {"kmsg", "journal", "journal-or-kmsg", "syslog", "syslog-or-kmsg", "auto"}) {
    if (text == kmsg) return LogTarget::Kmsg;
  }
  return std::nullopt;
}

void apply(LogSettings& settings, std::string_view level, std::string_view target) {
  if (auto l = parse_level(level)) settings.max_level = *l;
  if (auto t = parse_target(target)) settings.target = *t;
}

}  // namespace

LogSettings parse_log_settings(std::string_view cmdline, const char* env_level,
                               const char* env_target) {
  LogSettings settings;
  std::size_t pos = 0;
  while ((pos = cmdline.find_first_not_of(" \t\n", pos)) != std::string_view::npos) {
    const auto end = std::min(cmdline.find_first_of(" \t\n", pos), cmdline.size());
    const auto word = cmdline.substr(pos, end - pos);
    pos = end;
    constexpr std::string_view level_key = "systemd.log_level=";
    constexpr std::string_view target_key = "systemd.log_target=";
    if (word == "debug") {
      settings.max_level = LOG_DEBUG;
    } else if (word.substr(0, level_key.size()) == level_key) {
      apply(settings, word.substr(level_key.size()), "");
    } else if (word.substr(0, target_key.size()) == target_key) {
      apply(settings, "", word.substr(target_key.size()));
    }
  }
  apply(settings, env_level ? env_level : "", env_target ? env_target : "");
  return settings;
}

KmsgLog::KmsgLog(std::string ident)
    : m_ident(std::move(ident)),
      m_settings(parse_log_settings(read_file("/proc/cmdline").value_or(""),
                                    std::getenv("SYSTEMD_LOG_LEVEL"),
                                    std::getenv("SYSTEMD_LOG_TARGET"))) {
  if (m_settings.target == LogTarget::Kmsg) {
    m_fd = open("/dev/kmsg", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    m_owns_fd = m_fd >= 0;
    if (m_fd < 0) m_settings.target = LogTarget::Console;
  }
  if (m_settings.target == LogTarget::Console) m_fd = STDERR_FILENO;
}

KmsgLog::KmsgLog(std::string ident, LogSettings settings, int fd)
    : m_ident(std::move(ident)), m_settings(settings), m_fd(fd), m_owns_fd(true) {}

KmsgLog::~KmsgLog() {
  if (m_owns_fd && m_fd >= 0) close(m_fd);
}

void KmsgLog::write(LogLevel level, std::string_view message) {
  // One write(2) per record: /dev/kmsg takes each write as one message.
  std::string line;
  if (m_settings.target == LogTarget::Kmsg)
    line = fmt::format("<{}>", LOG_DAEMON | static_cast<int>(level));
  line += fmt::format("{}[{}]: {}\n", m_ident, getpid(), message);
  if (::write(m_fd, line.data(), line.size()) < 0) {
    // Nowhere left to report a failed log write; never let it stop the boot.
  }
}

}  // namespace dfg
