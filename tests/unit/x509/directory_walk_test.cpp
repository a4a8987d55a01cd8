// walk_paths: sorted and deterministic, symlink loops and dangling links
// reported by path, FIFOs never opened, each file once.
#include "x509/directory_walk.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "support/cert_factory.h"

namespace tc::x509 {
namespace {

std::vector<std::string> paths_of(const WalkResult& result, const std::string& root) {
  std::vector<std::string> out;
  for (const WalkedFile& file : result.files) out.push_back(file.path.substr(root.size() + 1));
  return out;
}

class DirectoryWalkTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tc_x509_walk_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(root_); }
  void file(const std::string& name) { ASSERT_TRUE(testing::write_file(root_ + "/" + name, std::string("x"))); }
  void dir(const std::string& name) { ASSERT_EQ(mkdir((root_ + "/" + name).c_str(), 0755), 0); }
  void link(const std::string& target, const std::string& name) {
    ASSERT_EQ(symlink(target.c_str(), (root_ + "/" + name).c_str()), 0);
  }
  std::string root_;
};

TEST_F(DirectoryWalkTest, SortedRecursiveWithHashLinksLast) {
  dir("b");
  file("b/z.pem");
  file("b/a.pem");
  file("c.crt");
  file("A.pem");
  link("c.crt", "0123abcd.0");
  file("ffffffff.r1");
  WalkResult result = walk_paths({root_});
  EXPECT_TRUE(result.problems.empty());
  // The hash link reaches c.crt, already listed: each file once.
  EXPECT_EQ(paths_of(result, root_), (std::vector<std::string>{"A.pem", "b/a.pem", "b/z.pem", "c.crt", "ffffffff.r1"}));
}

TEST_F(DirectoryWalkTest, SymlinkLoopIsReportedAndTheRestWalked) {
  dir("a");
  file("a/cert.pem");
  link("..", "a/up");  // a/up -> root: a loop
  dir("a/b");
  link("../../a", "a/b/again");
  WalkResult result = walk_paths({root_});
  EXPECT_EQ(paths_of(result, root_), (std::vector<std::string>{"a/cert.pem"}));
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_EQ(result.problems[0].path, root_ + "/a/b/again");
  EXPECT_EQ(result.problems[0].message, "symlink loop: leads back to " + root_ + "/a; not followed");
  EXPECT_EQ(result.problems[1].path, root_ + "/a/up");
}

TEST_F(DirectoryWalkTest, SelfReferencingSymlinkAndDanglingLink) {
  link("self", "self");
  link("missing.pem", "dangling.pem");
  file("good.pem");
  WalkResult result = walk_paths({root_});
  EXPECT_EQ(paths_of(result, root_), (std::vector<std::string>{"good.pem"}));
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_EQ(result.problems[0].path, root_ + "/dangling.pem");
  EXPECT_EQ(result.problems[0].message, "No such file or directory (dangling symlink)");
  EXPECT_EQ(result.problems[1].path, root_ + "/self");
  EXPECT_EQ(result.problems[1].message.rfind("symlink loop", 0), 0u) << result.problems[1].message;
}

TEST_F(DirectoryWalkTest, FifoIsNotOpenedAndMissingPathNamed) {
  ASSERT_EQ(mkfifo((root_ + "/pipe.pem").c_str(), 0644), 0);
  WalkResult result = walk_paths({root_, root_ + "/absent.pem"});
  EXPECT_TRUE(result.files.empty());
  ASSERT_EQ(result.problems.size(), 2u);
  EXPECT_EQ(result.problems[0].message, "not a regular file (FIFO); skipped");
  EXPECT_EQ(result.problems[1].path, root_ + "/absent.pem");
  EXPECT_EQ(result.problems[1].message, "No such file or directory");
}

TEST_F(DirectoryWalkTest, SuffixFilterAppliesToDirectoriesNotToNamedFiles) {
  file("a.pem");
  file("b.txt");
  WalkOptions options;
  options.suffixes = {".pem"};
  WalkResult result = walk_paths({root_, root_ + "/b.txt"}, options);
  EXPECT_EQ(paths_of(result, root_), (std::vector<std::string>{"a.pem", "b.txt"}));
}

TEST(HashLinkName, Recognises) {
  EXPECT_TRUE(is_hash_link_name("930ac5d2.0"));
  EXPECT_TRUE(is_hash_link_name("930AC5D2.12"));
  EXPECT_TRUE(is_hash_link_name("930ac5d2.r0"));
  EXPECT_FALSE(is_hash_link_name("930ac5d2.pem"));
  EXPECT_FALSE(is_hash_link_name("930ac5d.0"));
  EXPECT_FALSE(is_hash_link_name("930ac5d2."));
}

}  // namespace
}  // namespace tc::x509
