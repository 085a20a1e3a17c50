#include "spawn_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dfg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// The real runner against the real coreutils: exit codes, output, the fixed environment,
// a missing binary and the deadline.
TEST(SpawnRunner, ReportsExitCodeAndOutput) {
  SpawnRunner runner;
  auto r = runner.run({"true"}, 5s);
  EXPECT_TRUE(r.started);
  EXPECT_EQ(r.exit_code, 0);
  r = runner.run({"false"}, 5s);
  EXPECT_EQ(r.exit_code, 1);
  r = runner.run({"printf", "%s|%s", "a b", "$HOME;`x`"}, 5s);
  EXPECT_EQ(r.out, "a b|$HOME;`x`") << "arguments reach the program as they are, no shell";
}

TEST(SpawnRunner, FeedsStandardInput) {
  SpawnRunner runner;
  EXPECT_EQ(runner.run({"cat"}, 5s).out, "") << "no input: /dev/null";
  EXPECT_EQ(runner.run({"cat"}, 5s, "*filter\nCOMMIT\n").out, "*filter\nCOMMIT\n");
  // More than a pipe holds, both ways at once, and a program that reads none of it.
  const std::string big(1 << 20, 'x');
  EXPECT_EQ(runner.run({"cat"}, 10s, big).out.size(), big.size());
  const auto r = runner.run({"true"}, 10s, big);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
}

TEST(SpawnRunner, RunsWithAFixedEnvironment) {
  SpawnRunner runner;
  const auto r = runner.run({"env"}, 5s);
  EXPECT_EQ(r.out, "LC_ALL=C\nPATH=/usr/sbin:/usr/bin:/sbin:/bin\n");
}

TEST(SpawnRunner, KeepsStandardErrorApart) {
  SpawnRunner runner;
  const auto r = runner.run({"ls", "/nonexistent-dfg-path"}, 5s);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(r.out, "");
  EXPECT_THAT(r.err, HasSubstr("No such file or directory")) << "LC_ALL=C messages";
}

TEST(SpawnRunner, AMissingBinaryDoesNotStart) {
  SpawnRunner runner;
  const auto r = runner.run({"dfg-no-such-program"}, 5s);
  EXPECT_FALSE(r.started);
  EXPECT_EQ(r.error, "dfg-no-such-program: not found in /usr/sbin, /usr/bin, /sbin or /bin");
  EXPECT_FALSE(runner.run({"/nonexistent/iptables"}, 5s).started);
}

TEST(SpawnRunner, KillsAtTheDeadline) {
  SpawnRunner runner;
  const auto r = runner.run({"sleep", "30"}, 200ms);
  EXPECT_TRUE(r.started);
  EXPECT_TRUE(r.timed_out) << "killed, not waited for";
  EXPECT_EQ(r.error, "sleep: killed after 200 ms");
}

TEST(SpawnRunner, TheDeadlineHoldsWhenTheProgramClosesItsOutput) {
  SpawnRunner runner;
  // sh is the program under test here, not a carrier for outside values.
  const auto r = runner.run({"sh", "-c", "exec >&- 2>&-; sleep 30"}, 200ms);
  EXPECT_TRUE(r.timed_out);
}

}  // namespace
}  // namespace dfg
