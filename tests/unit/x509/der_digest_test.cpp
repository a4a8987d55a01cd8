// sha256_hex_from_der hashes the input bytes only when i2d would write them
// back unchanged; otherwise it must still give sha256_hex(cert).
#include "x509/der_digest.h"

#include <gtest/gtest.h>
#include <openssl/sha.h>

#include "model/text.h"
#include "support/cert_factory.h"
#include "x509/certificate_facts.h"

namespace tc::x509 {
namespace {

using testing::utc;

std::string digest_of(const Bytes& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(bytes.data(), bytes.size(), digest);
  return to_hex({digest, sizeof digest});
}

X509Ptr parse(const Bytes& der) {
  const unsigned char* cursor = der.data();
  X509Ptr cert{d2i_X509(nullptr, &cursor, static_cast<long>(der.size()))};
  if (cert && cursor != der.data() + der.size()) cert.reset();
  return cert;
}

class DerDigestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::issue(testing::root_ca_spec("Digest Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    ASSERT_TRUE(root_) << root_.error;
  }
  testing::Issued root_;
};

TEST_F(DerDigestTest, CanonicalInputIsHashedAsIs) {
  for (testing::KeyType type : {testing::KeyType::ec_p256, testing::KeyType::rsa2048, testing::KeyType::ed25519}) {
    testing::CertSpec spec = testing::leaf_spec("d.example.com", utc(2026, 1, 1), utc(2026, 6, 1));
    spec.key_type = type;
    testing::Issued leaf = testing::issue(spec, &root_);
    ASSERT_TRUE(leaf) << leaf.error;
    Bytes der = testing::to_der(leaf.cert.get());
    X509Ptr parsed = parse(der);
    ASSERT_TRUE(parsed);
    EXPECT_EQ(sha256_hex_from_der(parsed.get(), der), sha256_hex(parsed.get()));
    EXPECT_EQ(sha256_hex_from_der(parsed.get(), der), digest_of(der));
  }
}

TEST_F(DerDigestTest, NonMinimalOuterLengthFallsBackToTheReencoding) {
  Bytes der = testing::to_der(root_.cert.get());
  ASSERT_EQ(der[1], 0x82);  // 0x30 0x82 hi lo: re-state the length in three bytes
  Bytes longer = {0x30, 0x83, 0x00, der[2], der[3]};
  longer.insert(longer.end(), der.begin() + 4, der.end());
  X509Ptr parsed = parse(longer);
  if (!parsed) GTEST_SKIP() << "this OpenSSL refuses non-minimal lengths";
  EXPECT_NE(digest_of(longer), sha256_hex(parsed.get()));
  EXPECT_EQ(sha256_hex_from_der(parsed.get(), longer), sha256_hex(parsed.get()));
}

TEST_F(DerDigestTest, SignaturePaddingBitsFallBackToTheReencoding) {
  testing::CertSpec spec = testing::leaf_spec("pad.example.com", utc(2026, 1, 1), utc(2026, 6, 1));
  spec.key_type = testing::KeyType::ec_p256;
  testing::Issued leaf = testing::issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;
  Bytes der = testing::to_der(leaf.cert.get());
  // The signature BIT STRING closes the certificate: claim 1 unused bit and
  // set it; OpenSSL clears it when parsing, so i2d differs from the input.
  const ASN1_BIT_STRING* signature = nullptr;
  X509_get0_signature(&signature, nullptr, leaf.cert.get());
  size_t value_bytes = static_cast<size_t>(ASN1_STRING_length(signature));
  size_t unused_at = der.size() - value_bytes - 1;
  ASSERT_EQ(der[unused_at], 0x00);
  der[unused_at] = 0x01;
  der.back() |= 0x01;
  X509Ptr parsed = parse(der);
  if (!parsed) GTEST_SKIP() << "this OpenSSL refuses set padding bits";
  EXPECT_NE(digest_of(der), sha256_hex(parsed.get()));
  EXPECT_EQ(sha256_hex_from_der(parsed.get(), der), sha256_hex(parsed.get()));
}

TEST_F(DerDigestTest, BytesThatAreNotTheCertificateFallBack) {
  Bytes der = testing::to_der(root_.cert.get());
  X509Ptr parsed = parse(der);
  ASSERT_TRUE(parsed);
  Bytes truncated(der.begin(), der.end() - 1);
  EXPECT_EQ(sha256_hex_from_der(parsed.get(), truncated), sha256_hex(parsed.get()));
  EXPECT_EQ(sha256_hex_from_der(parsed.get(), {}), sha256_hex(parsed.get()));
}

}  // namespace
}  // namespace tc::x509
