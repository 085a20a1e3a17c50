#include "run_lock.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "temp_root.h"

namespace dfg {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

// The real flock(2) on a real file; a timeout of 0 tries once, so nothing waits. Two opens
// of one file hold separate flocks, even in one process.
TEST(FlockLocks, OneHolderAtATimeOnARealFile) {
  test::TempRoot root;
  root.mkdirs("/run");  // as tmpfiles.d makes it; the lock makes its own directory
  const auto path = root.path() + "/run/docker-firewall-guard/restart-docker.lock";
  FlockLocks locks;
  auto held = locks.take(path, 0ms);
  ASSERT_TRUE(held.ok()) << held.error();

  const auto second = locks.take(path, 0ms);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error(), path + ": still held by another docker-firewall-guard");

  { auto released = std::move(held).value(); }
  EXPECT_TRUE(locks.take(path, 0ms).ok()) << "released when the holder is destroyed";
}

}  // namespace
}  // namespace dfg
