// The real Debian trust store: the DOMAIN.md §4 roots are there under exactly
// those subject hashes; Certum CA (442adcac, removed by Mozilla) is not.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>

#include "x509/certificate_facts.h"
#include "x509/trust_store.h"

namespace tc::x509 {
namespace {

constexpr const char* kSystemDir = "/etc/ssl/certs";

class SystemRootsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    store_ = new TrustStore();
    auto start = std::chrono::steady_clock::now();
    report_ = new TrustLoadReport(store_->add_system(kSystemDir));
    load_time_ = std::chrono::steady_clock::now() - start;
  }
  static void TearDownTestSuite() {
    delete store_;
    delete report_;
  }
  void SetUp() override {
    struct stat info {};
    if (stat(kSystemDir, &info) != 0 || store_->size() == 0) GTEST_SKIP() << "no system trust store";
  }
  // The CN of the anchor with this hash, "" when absent (or several).
  static std::string common_name_for(const std::string& hash) {
    auto found = store_->find_by_subject_hash(hash);
    if (found.size() != 1) return found.empty() ? "" : "(several)";
    return decode_certificate(found[0]->cert.get(), "").common_name;
  }
  static TrustStore* store_;
  static TrustLoadReport* report_;
  static std::chrono::steady_clock::duration load_time_;
};

TrustStore* SystemRootsTest::store_ = nullptr;
TrustLoadReport* SystemRootsTest::report_ = nullptr;
std::chrono::steady_clock::duration SystemRootsTest::load_time_{};

TEST_F(SystemRootsTest, PublishedRowsHaveTheirHashes) {
  EXPECT_EQ(common_name_for("930ac5d2"), "Actalis Authentication Root CA");
  EXPECT_EQ(common_name_for("ce5e74ef"), "Amazon Root CA 1");
  EXPECT_EQ(common_name_for("6d41d539"), "Amazon Root CA 2");
  EXPECT_EQ(common_name_for("8cb5ee0f"), "Amazon Root CA 3");
  EXPECT_EQ(common_name_for("de6d66f3"), "Amazon Root CA 4");
  EXPECT_EQ(common_name_for("48bec511"), "Certum Trusted Network CA");
  EXPECT_EQ(common_name_for("40193066"), "Certum Trusted Network CA 2");
  EXPECT_EQ(common_name_for("244b5494"), "DigiCert High Assurance EV Root CA");
  EXPECT_EQ(common_name_for("607986c7"), "DigiCert Global Root G2");
  EXPECT_EQ(common_name_for("dd8e9d41"), "DigiCert Global Root G3");
}

TEST_F(SystemRootsTest, TelekomSecurityRowsHaveTheirHashes) {
  // Added to Mozilla's store in 2023/2024: Debian 12's original
  // ca-certificates (20230311) lacks them, bookworm-security's 20250419 has them.
  struct stat info {};
  if (stat("/etc/ssl/certs/Telekom_Security_TLS_RSA_Root_2023.pem", &info) != 0) {
    GTEST_SKIP() << "ca-certificates predates the Telekom Security roots; install 20250419~deb12u2 or later";
  }
  EXPECT_EQ(common_name_for("7fa05551"), "Telekom Security TLS RSA Root 2023");
  EXPECT_EQ(common_name_for("ddcda989"), "Telekom Security TLS ECC Root 2020");
}

TEST_F(SystemRootsTest, CertumCaIsAbsent) {
  EXPECT_TRUE(store_->find_by_subject_hash("442adcac").empty());
}

TEST_F(SystemRootsTest, AnchorsAreLabelledAndDeduplicated) {
  EXPECT_GT(store_->size(), 100u);
  // One *.pem per root; the ca-certificates.crt bundle and hash links are not re-read.
  EXPECT_EQ(report_->files, report_->added + report_->duplicates);
  EXPECT_TRUE(report_->problems.empty());
  for (const Anchor& anchor : store_->anchors()) {
    EXPECT_EQ(anchor.source, kSourceSystem);
    EXPECT_EQ(anchor.subject_hash, subject_hash_hex(anchor.cert.get()));
  }
  // Found through its descriptive file name, not the bundle or a hash link.
  auto actalis = store_->find_by_subject_hash("930ac5d2");
  ASSERT_EQ(actalis.size(), 1u);
  EXPECT_EQ(actalis[0]->path, std::string(kSystemDir) + "/Actalis_Authentication_Root_CA.pem");
}

TEST_F(SystemRootsTest, LoadsQuickly) {
  // Generous bound for a loaded CI machine; the benchmark tracks the real figure.
  EXPECT_LT(std::chrono::duration_cast<std::chrono::milliseconds>(load_time_).count(), 2000);
  RecordProperty("load_ms", static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(load_time_).count()));
}

}  // namespace
}  // namespace tc::x509
