#include "kmsg_log.h"

#include <unistd.h>

#include <gtest/gtest.h>

#include <string>

namespace dfg {
namespace {

TEST(LogSettings, DefaultsToInfoOnKmsg) {
  const auto s =
      parse_log_settings("BOOT_IMAGE=/vmlinuz root=/dev/vda1 ro quiet", nullptr, nullptr);
  EXPECT_EQ(s.max_level, 6);
  EXPECT_EQ(s.target, LogTarget::Kmsg);
}

TEST(LogSettings, KernelCommandLineAsSystemdReadsIt) {
  EXPECT_EQ(parse_log_settings("ro debug quiet", nullptr, nullptr).max_level, 7);
  EXPECT_EQ(parse_log_settings("ro systemd.log_level=warning\n", nullptr, nullptr).max_level, 4);
  EXPECT_EQ(parse_log_settings("systemd.log_level=3", nullptr, nullptr).max_level, 3);
  EXPECT_EQ(parse_log_settings("systemd.log_target=console", nullptr, nullptr).target,
            LogTarget::Console);
  EXPECT_EQ(parse_log_settings("systemd.log_target=journal-or-kmsg", nullptr, nullptr).target,
            LogTarget::Kmsg);
  EXPECT_EQ(parse_log_settings("xsystemd.log_level=debug debugx", nullptr, nullptr).max_level, 6);
}

TEST(LogSettings, EnvironmentWinsAndBadValuesAreIgnored) {
  const auto s = parse_log_settings("debug systemd.log_target=console", "err", "null");
  EXPECT_EQ(s.max_level, 3);
  EXPECT_EQ(s.target, LogTarget::Null);
  const auto bad = parse_log_settings("systemd.log_level=loud", "8", "printer");
  EXPECT_EQ(bad.max_level, 6);
  EXPECT_EQ(bad.target, LogTarget::Kmsg);
}

// Runs `body` with a log writing into a pipe and returns what it wrote.
template <typename Body>
std::string captured(LogSettings settings, Body body) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  {
    KmsgLog log("gen", settings, fds[1]);
    body(log);
  }
  std::string out;
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) out.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  return out;
}

TEST(KmsgLog, KmsgRecordsCarryDaemonFacilityAndPid) {
  const auto out = captured({6, LogTarget::Kmsg}, [](KmsgLog& log) {
    log.log(LogLevel::Warning, "bad {} in {}", "key", "file");
    log.log(LogLevel::Info, "info");
    log.log(LogLevel::Debug, "not shown");
  });
  const auto pid = std::to_string(getpid());
  EXPECT_EQ(out, "<28>gen[" + pid + "]: bad key in file\n<30>gen[" + pid + "]: info\n");
}

TEST(KmsgLog, ConsoleHasNoPriorityAndNullNothing) {
  const auto pid = std::to_string(getpid());
  EXPECT_EQ(captured({7, LogTarget::Console}, [](KmsgLog& log) { log.log(LogLevel::Debug, "d"); }),
            "gen[" + pid + "]: d\n");
  EXPECT_EQ(captured({7, LogTarget::Null}, [](KmsgLog& log) { log.log(LogLevel::Err, "e"); }), "");
}

}  // namespace
}  // namespace dfg
