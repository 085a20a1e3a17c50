#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace dfg {

/// syslog(3) priorities, as systemd's SYSTEMD_LOG_LEVEL names them.
enum class LogLevel { Err = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

/// Logs the way early-boot programs must: to /dev/kmsg as "<N>IDENT[PID]: message", since
/// nothing else runs yet. Honours SYSTEMD_LOG_LEVEL (a name or 0-7; default info) and
/// SYSTEMD_LOG_TARGET ("console" writes to stderr instead); falls back to stderr when
/// /dev/kmsg cannot be opened.
class KmsgLog {
 public:
  explicit KmsgLog(std::string ident);
  ~KmsgLog();
  KmsgLog(const KmsgLog&) = delete;
  KmsgLog& operator=(const KmsgLog&) = delete;

  template <typename... Args>
  void log(LogLevel level, const char* format, const Args&... args) {
    if (static_cast<int>(level) <= m_max_level) write(level, fmt::format(format, args...));
  }

 private:
  void write(LogLevel level, std::string_view message);

  std::string m_ident;
  int m_max_level;
  int m_fd = -1;  ///< /dev/kmsg, or -1 for stderr
};

}  // namespace dfg
