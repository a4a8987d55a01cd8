// parse_certificate_input and load_certificate_file: PEM (bundles, keys),
// DER, PKCS#12, junk and truncation, each with the message users will see.
#include "x509/certificate_input.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "support/cert_factory.h"
#include "x509/certificate_facts.h"
#include "x509/certificate_file.h"

namespace tc::x509 {
namespace {

using testing::utc;

std::span<const uint8_t> bytes_of(const std::string& text) {
  return {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
}

class CertificateInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::issue(testing::root_ca_spec("Input Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    ASSERT_TRUE(root_) << root_.error;
    leaf_ = testing::issue(testing::leaf_spec("a.example.com", utc(2026, 1, 1), utc(2026, 6, 1)), &root_);
    ASSERT_TRUE(leaf_) << leaf_.error;
  }
  testing::Issued root_, leaf_;
};

TEST_F(CertificateInputTest, SinglePem) {
  ParsedInput parsed = parse_certificate_input(bytes_of(testing::to_pem(leaf_.cert.get())));
  EXPECT_EQ(parsed.format, InputFormat::pem);
  ASSERT_EQ(parsed.certs.size(), 1u);
  EXPECT_EQ(X509_cmp(parsed.certs[0].get(), leaf_.cert.get()), 0);
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.private_keys, 0u);
}

TEST_F(CertificateInputTest, BundleWithEveryKindOfKeyBlockCountsKeysAndKeepsNone) {
  std::string key_pkcs8 = testing::key_to_pem(leaf_.key.get());
  testing::Issued rsa = testing::issue([] {
    auto spec = testing::leaf_spec("rsa.example.com", utc(2026, 1, 1), utc(2026, 6, 1));
    spec.key_type = testing::KeyType::rsa2048;
    return spec;
  }());
  ASSERT_TRUE(rsa) << rsa.error;
  std::string key_rsa = testing::key_to_pem(rsa.key.get(), true);
  std::string key_ec = testing::key_to_pem(leaf_.key.get(), true);
  ASSERT_NE(key_rsa.find("BEGIN RSA PRIVATE KEY"), std::string::npos);
  ASSERT_NE(key_ec.find("BEGIN EC PRIVATE KEY"), std::string::npos);
  std::string encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBvTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI\n"
                          "-----END ENCRYPTED PRIVATE KEY-----\n";
  std::string bundle = "subject=leaf\n" + testing::to_pem(leaf_.cert.get()) + key_pkcs8 + key_rsa +
                       testing::to_pem(root_.cert.get()) + key_ec + encrypted;
  ParsedInput parsed = parse_certificate_input(bytes_of(bundle));
  EXPECT_EQ(parsed.format, InputFormat::pem);
  EXPECT_EQ(parsed.private_keys, 4u);
  ASSERT_EQ(parsed.certs.size(), 2u);
  EXPECT_EQ(X509_cmp(parsed.certs[0].get(), leaf_.cert.get()), 0);
  EXPECT_EQ(X509_cmp(parsed.certs[1].get(), root_.cert.get()), 0);
  EXPECT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  // Nothing derived from the input mentions key material.
  for (const X509Ptr& cert : parsed.certs) {
    CertificateFacts facts = decode_certificate(cert.get(), "bundle.pem");
    for (const std::string& text : {facts.subject, facts.issuer, facts.common_name, facts.serial_hex}) {
      EXPECT_EQ(text.find("PRIVATE"), std::string::npos);
    }
  }
}

TEST_F(CertificateInputTest, OtherPemBlocksAreSkippedWithANote) {
  auto crl = testing::make_crl(root_, {}, utc(2026, 1, 1), utc(2026, 2, 1));
  ASSERT_TRUE(crl);
  ParsedInput parsed = parse_certificate_input(bytes_of(testing::crl_to_pem(crl.get()) + testing::to_pem(leaf_.cert.get())));
  EXPECT_EQ(parsed.certs.size(), 1u);
  ASSERT_EQ(parsed.notes.size(), 1u);
  EXPECT_EQ(parsed.notes[0], "skipped PEM block 1 (X509 CRL)");
}

TEST_F(CertificateInputTest, DerSingleAndConcatenated) {
  Bytes der = testing::to_der(leaf_.cert.get());
  ParsedInput single = parse_certificate_input(der);
  EXPECT_EQ(single.format, InputFormat::der);
  EXPECT_EQ(single.certs.size(), 1u);
  Bytes two = der;
  Bytes root_der = testing::to_der(root_.cert.get());
  two.insert(two.end(), root_der.begin(), root_der.end());
  ParsedInput pair = parse_certificate_input(two);
  EXPECT_EQ(pair.format, InputFormat::der);
  EXPECT_EQ(pair.certs.size(), 2u);
}

TEST_F(CertificateInputTest, Pkcs12RightAndWrongPassword) {
  std::optional<Bytes> p12 = testing::to_pkcs12(leaf_, {root_.cert.get()}, "s3cret");
  ASSERT_TRUE(p12);
  InputOptions right;
  right.password = "s3cret";
  ParsedInput parsed = parse_certificate_input(*p12, right);
  EXPECT_EQ(parsed.format, InputFormat::pkcs12);
  EXPECT_TRUE(parsed.errors.empty());
  EXPECT_EQ(parsed.private_keys, 1u);
  ASSERT_EQ(parsed.certs.size(), 2u);
  EXPECT_EQ(X509_cmp(parsed.certs[0].get(), leaf_.cert.get()), 0);

  InputOptions wrong;
  wrong.password = "nope";
  ParsedInput refused = parse_certificate_input(*p12, wrong);
  EXPECT_EQ(refused.format, InputFormat::pkcs12);
  EXPECT_TRUE(refused.certs.empty());
  ASSERT_EQ(refused.errors.size(), 1u);
  EXPECT_EQ(refused.errors[0], kWrongPkcs12Password);

  ParsedInput none = parse_certificate_input(*p12);
  ASSERT_EQ(none.errors.size(), 1u);
  EXPECT_EQ(none.errors[0], kWrongPkcs12Password);
}

TEST_F(CertificateInputTest, Pkcs12WithEmptyPasswordOpensWithoutOne) {
  std::optional<Bytes> p12 = testing::to_pkcs12(leaf_, {}, "");
  ASSERT_TRUE(p12);
  ParsedInput parsed = parse_certificate_input(*p12);
  EXPECT_TRUE(parsed.errors.empty()) << parsed.errors.front();
  EXPECT_EQ(parsed.certs.size(), 1u);
}

TEST_F(CertificateInputTest, JunkEmptyAndTruncated) {
  ParsedInput junk = parse_certificate_input(bytes_of("hello, I am not a certificate\n\x01\x02"));
  EXPECT_EQ(junk.format, InputFormat::unknown);
  ASSERT_EQ(junk.errors.size(), 1u);
  EXPECT_EQ(junk.errors[0], kNotACertificate);

  Bytes binary = {0x30, 0x82, 0x05, 0x00, 0xde, 0xad, 0xbe, 0xef};
  ParsedInput bad_der = parse_certificate_input(binary);
  ASSERT_EQ(bad_der.errors.size(), 1u);
  EXPECT_EQ(bad_der.errors[0], kNotACertificate);

  ParsedInput empty = parse_certificate_input({});
  EXPECT_EQ(empty.format, InputFormat::empty);
  EXPECT_EQ(empty.errors, (std::vector<std::string>{"empty file"}));

  std::string pem = testing::to_pem(leaf_.cert.get());
  std::string cut = pem.substr(0, pem.size() / 2);
  ParsedInput truncated = parse_certificate_input(bytes_of(cut));
  EXPECT_EQ(truncated.format, InputFormat::pem);
  EXPECT_TRUE(truncated.certs.empty());
  ASSERT_EQ(truncated.errors.size(), 1u);
  EXPECT_EQ(truncated.errors[0], "truncated PEM: BEGIN CERTIFICATE at line 1 has no END line");

  // A good certificate after a cut one is still read.
  ParsedInput partly = parse_certificate_input(bytes_of(cut + "\n" + testing::to_pem(root_.cert.get())));
  EXPECT_EQ(partly.certs.size(), 1u);
  EXPECT_EQ(partly.errors.size(), 1u);

  // Damaged base64 between intact markers.
  std::string damaged = pem;
  damaged[100] = '!';
  ParsedInput garbled = parse_certificate_input(bytes_of(damaged));
  ASSERT_EQ(garbled.errors.size(), 1u);
  EXPECT_EQ(garbled.errors[0].rfind("PEM block 1 (CERTIFICATE) at line 1 does not decode: ", 0), 0u)
      << garbled.errors[0];
}

class CertificateFileTest : public CertificateInputTest {
 protected:
  void SetUp() override {
    CertificateInputTest::SetUp();
    char pattern[] = "/tmp/tc_x509_file_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(CertificateFileTest, LoadsFactsWithPathAsSource) {
  std::string path = dir_ + "/chain.pem";
  ASSERT_TRUE(testing::write_file(path, testing::to_pem({leaf_.cert.get(), root_.cert.get()})));
  LoadedFile file = load_certificate_file(path);
  EXPECT_EQ(file.path, path);
  ASSERT_EQ(file.facts.size(), 2u);
  EXPECT_EQ(file.facts[0].source, path);
  EXPECT_EQ(file.facts[0].common_name, "a.example.com");
  EXPECT_FALSE(file.contains_private_key());
  EXPECT_FALSE(file.key_file_world_or_group_readable);
}

TEST_F(CertificateFileTest, KeyFilePermissions) {
  std::string with_key = testing::to_pem(leaf_.cert.get()) + testing::key_to_pem(leaf_.key.get());
  std::string open_path = dir_ + "/open.pem";
  std::string closed_path = dir_ + "/closed.pem";
  ASSERT_TRUE(testing::write_file(open_path, with_key, 0644));
  ASSERT_TRUE(testing::write_file(closed_path, with_key, 0600));
  LoadedFile open_file = load_certificate_file(open_path);
  EXPECT_EQ(open_file.private_keys, 1u);
  EXPECT_TRUE(open_file.key_file_world_or_group_readable);
  LoadedFile closed_file = load_certificate_file(closed_path);
  EXPECT_EQ(closed_file.private_keys, 1u);
  EXPECT_FALSE(closed_file.key_file_world_or_group_readable);
  EXPECT_EQ(closed_file.certs.size(), 1u);
}

TEST_F(CertificateFileTest, MissingDirectoryAndFifoGiveReasons) {
  LoadedFile missing = load_certificate_file(dir_ + "/nope.pem");
  EXPECT_EQ(missing.errors, (std::vector<std::string>{"No such file or directory"}));
  LoadedFile directory = load_certificate_file(dir_);
  EXPECT_EQ(directory.errors, (std::vector<std::string>{"is a directory"}));
  std::string fifo = dir_ + "/pipe";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  LoadedFile pipe = load_certificate_file(fifo);  // must not block
  EXPECT_EQ(pipe.errors, (std::vector<std::string>{"not a regular file"}));
}

TEST_F(CertificateFileTest, UnreadableFileNamesTheReason) {
  // Root ignores mode 000, so the check only runs for ordinary users; the
  // FIFO and dangling-link cases above and in the walk test cover root.
  if (geteuid() == 0) GTEST_SKIP() << "running as root: chmod 000 does not stop reads";
  std::string path = dir_ + "/secret.pem";
  ASSERT_TRUE(testing::write_file(path, testing::to_pem(leaf_.cert.get()), 0000));
  LoadedFile file = load_certificate_file(path);
  EXPECT_EQ(file.errors, (std::vector<std::string>{"Permission denied"}));
}

}  // namespace
}  // namespace tc::x509
