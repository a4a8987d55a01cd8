// load_cert_paths: directories walked, files loaded, duplicates dropped with
// the descriptive single-certificate file kept, problems named by path.
#include "sources/cert_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "support/cert_factory.h"

namespace tc::sources {
namespace {

using testing::utc;

class CertFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/tc_cert_files_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    root_ = testing::issue(testing::root_ca_spec("Files Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    leaf_ = testing::issue(testing::leaf_spec("f.example.com", utc(2026, 1, 1), utc(2026, 6, 1)), &root_);
    ASSERT_TRUE(root_ && leaf_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
  testing::Issued root_, leaf_;
};

TEST_F(CertFilesTest, BundleDuplicatesGiveWayToSingleFilesAndHashLinksAreSkipped) {
  // Like /etc/ssl/certs: a bundle sorted first, single files, a hash link.
  ASSERT_TRUE(testing::write_file(dir_ + "/a-bundle.crt", testing::to_pem({root_.cert.get(), leaf_.cert.get()})));
  ASSERT_TRUE(testing::write_file(dir_ + "/Root.pem", testing::to_pem(root_.cert.get())));
  ASSERT_EQ(symlink("Root.pem", (dir_ + "/0123abcd.0").c_str()), 0);
  CertFileSet set = load_cert_paths({dir_});
  ASSERT_EQ(set.files.size(), 2u);  // the hash link is the same file as Root.pem
  EXPECT_EQ(set.certificate_count(), 2u);
  EXPECT_EQ(set.files[0].path, dir_ + "/Root.pem");
  ASSERT_EQ(set.files[0].facts.size(), 1u);
  EXPECT_EQ(set.files[0].facts[0].common_name, "Files Root");
  EXPECT_EQ(set.files[1].path, dir_ + "/a-bundle.crt");
  ASSERT_EQ(set.files[1].facts.size(), 1u);
  EXPECT_EQ(set.files[1].facts[0].common_name, "f.example.com");
  EXPECT_EQ(set.files[1].duplicates_dropped, 1u);
  EXPECT_FALSE(set.nothing_readable());
}

TEST_F(CertFilesTest, ACopyReadLaterFromItsOwnFileTakesTheBundlesPlace) {
  // The bundle is read first; Root.pem, read later, still keeps the root.
  ASSERT_TRUE(testing::write_file(dir_ + "/0-bundle.crt", testing::to_pem({root_.cert.get(), leaf_.cert.get()})));
  ASSERT_TRUE(testing::write_file(dir_ + "/Root.pem", testing::to_pem(root_.cert.get())));
  ASSERT_TRUE(testing::write_file(dir_ + "/Root-again.pem", testing::to_pem(root_.cert.get())));
  for (Handles handles : {Handles::keep, Handles::free_after_facts}) {
    CertFileSet set = load_cert_paths({dir_}, {}, handles);
    ASSERT_EQ(set.files.size(), 3u);
    EXPECT_EQ(set.files[0].path, dir_ + "/0-bundle.crt");
    ASSERT_EQ(set.files[0].facts.size(), 1u);
    EXPECT_EQ(set.files[0].facts[0].common_name, "f.example.com");
    EXPECT_EQ(set.files[0].duplicates_dropped, 1u);
    EXPECT_EQ(set.files[1].path, dir_ + "/Root-again.pem");
    ASSERT_EQ(set.files[1].facts.size(), 1u);
    EXPECT_EQ(set.files[1].facts[0].source, dir_ + "/Root-again.pem");
    EXPECT_EQ(set.files[1].facts[0].common_name, "Files Root");
    EXPECT_EQ(set.files[2].path, dir_ + "/Root.pem");
    EXPECT_TRUE(set.files[2].facts.empty());
    EXPECT_EQ(set.files[2].duplicates_dropped, 1u);
    EXPECT_EQ(set.certificate_count(), 2u);
    for (const auto& file : set.files) {
      ASSERT_EQ(file.sha256.size(), file.certs.size());
      for (const auto& cert : file.certs) EXPECT_EQ(cert == nullptr, handles == Handles::free_after_facts);
    }
  }
}

TEST_F(CertFilesTest, ProblemsAreNamedAndTheRestIsRead) {
  ASSERT_TRUE(testing::write_file(dir_ + "/good.pem", testing::to_pem(leaf_.cert.get())));
  ASSERT_TRUE(testing::write_file(dir_ + "/junk.txt", std::string("hello")));
  ASSERT_EQ(symlink("gone.pem", (dir_ + "/dangling.pem").c_str()), 0);
  CertFileSet set = load_cert_paths({dir_});
  EXPECT_EQ(set.certificate_count(), 1u);
  std::vector<std::string> messages = set.messages();
  ASSERT_EQ(messages.size(), 2u);
  EXPECT_EQ(messages[0], dir_ + "/dangling.pem: No such file or directory (dangling symlink)");
  EXPECT_EQ(messages[1], dir_ + "/junk.txt: not a certificate: no PEM block, not DER, not PKCS#12");
}

TEST_F(CertFilesTest, NothingReadable) {
  ASSERT_TRUE(testing::write_file(dir_ + "/junk.txt", std::string("hello")));
  EXPECT_TRUE(load_cert_paths({dir_ + "/junk.txt", dir_ + "/missing.pem"}).nothing_readable());
}

}  // namespace
}  // namespace tc::sources
