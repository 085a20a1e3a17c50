#pragma once

#include <fmt/format.h>

#include <string>
#include <string_view>

namespace dfg {

/// syslog(3) priorities, as systemd's log levels name them.
enum class LogLevel { Err = 3, Warning = 4, Notice = 5, Info = 6, Debug = 7 };

enum class LogTarget { Kmsg, Console, Null };

struct LogSettings {
  int max_level = static_cast<int>(LogLevel::Info);
  LogTarget target = LogTarget::Kmsg;
};

/// systemd's rules for a generator: the kernel command line ("debug",
/// "systemd.log_level=", "systemd.log_target=") first, then SYSTEMD_LOG_LEVEL and
/// SYSTEMD_LOG_TARGET (null pointers when unset), which win. Levels are names (emerg to
/// debug) or 0-7; targets console, kmsg and null (journal, syslog and auto mean kmsg this
/// early). Unknown values are ignored.
LogSettings parse_log_settings(std::string_view cmdline, const char* env_level,
                               const char* env_target);

/// Logs the way early-boot programs must: to /dev/kmsg as "<PRI>IDENT[PID]: message" with
/// the daemon facility, since nothing else runs yet. Falls back to stderr when /dev/kmsg
/// cannot be opened.
class KmsgLog {
 public:
  /// Settings from /proc/cmdline and the environment.
  explicit KmsgLog(std::string ident);
  /// For tests: the given settings, writing to `fd` (which the log then owns).
  KmsgLog(std::string ident, LogSettings settings, int fd);
  ~KmsgLog();
  KmsgLog(const KmsgLog&) = delete;
  KmsgLog& operator=(const KmsgLog&) = delete;

  bool enabled(LogLevel level) const {
    return m_settings.target != LogTarget::Null && static_cast<int>(level) <= m_settings.max_level;
  }

  template <typename... Args>
  void log(LogLevel level, const char* format, const Args&... args) {
    if (enabled(level)) write(level, fmt::format(format, args...));
  }

 private:
  void write(LogLevel level, std::string_view message);

  std::string m_ident;
  LogSettings m_settings;
  int m_fd = -1;
  bool m_owns_fd = false;
};

}  // namespace dfg
