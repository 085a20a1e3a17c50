#include "fs.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "temp_root.h"

namespace dfg {
namespace {

TEST(Fs, JoinRoot) {
  EXPECT_EQ(join_root("/", "/etc/x"), "/etc/x");
  EXPECT_EQ(join_root("", "/etc/x"), "/etc/x");
  EXPECT_EQ(join_root("/tmp/r/", "/etc/x"), "/tmp/r/etc/x");
  EXPECT_EQ(join_root("/tmp/r", "etc/x"), "/tmp/r/etc/x");
}

TEST(Fs, WriteFileAtomicReplacesWholeAndLeavesNoTemporary) {
  test::TempRoot root;
  ASSERT_TRUE(write_file_atomic(root.path(), "a.conf", "old\n"));
  ASSERT_TRUE(write_file_atomic(root.path(), "a.conf", "new\n"));
  EXPECT_EQ(read_file(root.path() + "/a.conf").value(), "new\n");
  EXPECT_EQ(list_dir(root.path()), std::vector<std::string>{"a.conf"});
  struct stat st {};
  ASSERT_EQ(stat((root.path() + "/a.conf").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0644u);
}

TEST(Fs, WriteFileAtomicFailsCleanly) {
  test::TempRoot root;
  const auto result = write_file_atomic(root.path() + "/missing", "a.conf", "x");
  EXPECT_FALSE(result);
  EXPECT_EQ(result.error(), root.path() + "/missing/a.conf: No such file or directory");
  // The target is a directory: rename fails after the temporary was written.
  root.mkdirs("/b.conf");
  EXPECT_FALSE(write_file_atomic(root.path(), "b.conf", "x"));
  EXPECT_EQ(list_dir(root.path()), std::vector<std::string>{"b.conf"});
}

TEST(Fs, ClassifyEntry) {
  test::TempRoot root;
  root.write("/full", "x");
  root.write("/empty", "");
  root.link("/null", "/dev/null");
  root.link("/to-full", "/full");
  root.link("/dangling", "/nowhere");
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/full"), EntryKind::Regular);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/empty"), EntryKind::Empty);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/null"), EntryKind::Null);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/to-full"), EntryKind::Regular);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/dangling"), EntryKind::Missing);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/absent"), EntryKind::Missing);
  EXPECT_TRUE(entry_exists(root.path() + "/dangling"));
  root.mkdirs("/dir");
  ASSERT_EQ(mkfifo((root.path() + "/fifo").c_str(), 0600), 0);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/dir"), EntryKind::Special);
  EXPECT_EQ(classify_entry(root.path(), root.path() + "/fifo"), EntryKind::Special);
}

TEST(Fs, ReadFileRefusesWhatIsNotASmallRegularFile) {
  test::TempRoot root;
  root.mkdirs("/dir");
  ASSERT_EQ(mkfifo((root.path() + "/fifo").c_str(), 0600), 0);
  root.write("/big", std::string(max_file_size + 1, 'x'));
  root.write("/fits", std::string(max_file_size, 'x'));
  // A FIFO with no writer would block a plain open(2) for ever.
  EXPECT_EQ(read_file(root.path() + "/fifo").error(), "not a regular file");
  EXPECT_EQ(read_file(root.path() + "/dir").error(), "not a regular file");
  EXPECT_EQ(read_file(root.path() + "/big").error(), "larger than 1 MiB");
  EXPECT_EQ(read_file(root.path() + "/fits").value().size(), max_file_size);
  EXPECT_EQ(read_file(root.path() + "/absent").error(), "No such file or directory");
}

TEST(Fs, MakeDirectory) {
  test::TempRoot root;
  EXPECT_TRUE(make_directory(root.path() + "/d"));
  EXPECT_TRUE(make_directory(root.path() + "/d"));
  root.write("/f", "x");
  EXPECT_FALSE(make_directory(root.path() + "/f"));
}

}  // namespace
}  // namespace dfg
