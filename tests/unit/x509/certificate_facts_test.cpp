// decode_certificate: every CertificateFacts field from a certificate whose
// contents the test chose, plus name and DER helpers.
#include "x509/certificate_facts.h"

#include <gtest/gtest.h>

#include "support/cert_factory.h"

namespace tc::x509 {
namespace {

using testing::CertSpec;
using testing::issue;
using testing::KeyType;
using testing::utc;

class CertificateFactsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = issue(testing::root_ca_spec("Facts Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    ASSERT_TRUE(root_) << root_.error;
  }
  testing::Issued root_;
};

TEST_F(CertificateFactsTest, DecodesEveryFieldOfALeaf) {
  CertSpec spec = testing::leaf_spec("sbc.example.com", utc(2026, 4, 1), utc(2027, 5, 3, 23, 59, 59),
                                     {"serverAuth", "clientAuth", "sipDomain", "1.2.3.4.5"});
  spec.serial = 0x1234abcd;
  spec.san_ip = {"192.0.2.7", "2001:db8::1"};
  spec.san_uri = {"sip:example.com"};
  spec.key_type = KeyType::rsa2048;
  spec.digest = "sha384";
  testing::Issued leaf = issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;

  CertificateFacts facts = decode_certificate(leaf.cert.get(), "leaf.pem");
  EXPECT_EQ(facts.source, "leaf.pem");
  EXPECT_EQ(facts.subject, "CN=sbc.example.com,O=trunkcheck test");
  EXPECT_EQ(facts.issuer, "CN=Facts Root,O=trunkcheck test PKI");
  EXPECT_EQ(facts.common_name, "sbc.example.com");
  EXPECT_EQ(facts.serial_hex, "1234abcd");
  EXPECT_EQ(facts.sha256.size(), 64u);
  EXPECT_EQ(facts.sha256.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(facts.subject_hash.size(), 8u);
  EXPECT_EQ(facts.issuer_hash, subject_hash_hex(root_.cert.get()));
  EXPECT_EQ(facts.subject_key_id.size(), 40u);  // SHA-1 of the key
  EXPECT_EQ(facts.authority_key_id, decode_certificate(root_.cert.get(), "").subject_key_id);
  EXPECT_EQ(facts.not_before, utc(2026, 4, 1));
  EXPECT_EQ(facts.not_after, utc(2027, 5, 3, 23, 59, 59));
  EXPECT_TRUE(facts.has_eku_extension);
  EXPECT_EQ(facts.eku, (std::vector<std::string>{"serverAuth", "clientAuth", "sipDomain", "1.2.3.4.5"}));
  EXPECT_EQ(facts.key_usage, (std::vector<std::string>{"digitalSignature", "keyEncipherment"}));
  EXPECT_EQ(facts.san_dns, (std::vector<std::string>{"sbc.example.com"}));
  EXPECT_EQ(facts.san_ip, (std::vector<std::string>{"192.0.2.7", "2001:db8::1"}));
  EXPECT_EQ(facts.san_uri, (std::vector<std::string>{"sip:example.com"}));
  EXPECT_EQ(facts.key_type, "RSA");
  EXPECT_EQ(facts.key_bits, 2048);
  // Signed by the root's EC key with SHA-384.
  EXPECT_EQ(facts.signature_algorithm, "ecdsa-with-SHA384");
  EXPECT_FALSE(facts.is_ca);
  EXPECT_FALSE(facts.self_issued);
  EXPECT_FALSE(facts.self_signed);
  EXPECT_TRUE(facts.has_crl_distribution_points);
  EXPECT_EQ(facts.crl_urls, (std::vector<std::string>{"http://crl.example.test/ca.crl"}));
  EXPECT_TRUE(facts.has_ocsp);
  EXPECT_EQ(facts.lifetime_seconds(), 398 * 86400);  // 2026-04-01 .. 2027-05-03 inclusive
}

TEST_F(CertificateFactsTest, RootIsCaSelfIssuedAndSelfSigned) {
  CertificateFacts facts = decode_certificate(root_.cert.get(), "root");
  EXPECT_TRUE(facts.is_ca);
  EXPECT_TRUE(facts.self_issued);
  EXPECT_TRUE(facts.self_signed);
  EXPECT_EQ(facts.key_type, "EC");
  EXPECT_EQ(facts.key_bits, 256);
  EXPECT_EQ(facts.key_usage, (std::vector<std::string>{"keyCertSign", "cRLSign"}));
  EXPECT_FALSE(facts.has_eku_extension);
  EXPECT_TRUE(facts.eku.empty());
  EXPECT_EQ(facts.subject_hash, facts.issuer_hash);
}

TEST_F(CertificateFactsTest, SelfIssuedButSignedByAnotherKeyIsNotSelfSigned) {
  // Same name as the root, different key, signed by the root: self-issued only.
  CertSpec spec = testing::root_ca_spec("Facts Root", utc(2020, 1, 1), utc(2040, 1, 1));
  spec.key_slot = 7;
  testing::Issued renamed = issue(spec, &root_);
  ASSERT_TRUE(renamed) << renamed.error;
  CertificateFacts facts = decode_certificate(renamed.cert.get(), "");
  EXPECT_TRUE(facts.self_issued);
  EXPECT_FALSE(facts.self_signed);
}

TEST_F(CertificateFactsTest, NoEkuNoRevocationInfoSha1Rsa1024) {
  CertSpec spec = testing::leaf_spec("old.example.com", utc(2020, 1, 1), utc(2021, 1, 1));
  spec.eku.reset();
  spec.crl_urls.clear();
  spec.ocsp_urls.clear();
  spec.key_type = KeyType::rsa1024;
  spec.digest = "sha1";
  testing::Issued signer = issue([] {
    CertSpec root = testing::root_ca_spec("RSA Root", utc(2020, 1, 1), utc(2040, 1, 1));
    root.key_type = KeyType::rsa2048;
    return root;
  }());
  ASSERT_TRUE(signer) << signer.error;
  testing::Issued leaf = issue(spec, &signer);
  ASSERT_TRUE(leaf) << leaf.error;
  CertificateFacts facts = decode_certificate(leaf.cert.get(), "");
  EXPECT_FALSE(facts.has_eku_extension);
  EXPECT_TRUE(facts.eku.empty());
  EXPECT_FALSE(facts.has_crl_distribution_points);
  EXPECT_FALSE(facts.has_ocsp);
  EXPECT_TRUE(facts.crl_urls.empty());
  EXPECT_EQ(facts.key_type, "RSA");
  EXPECT_EQ(facts.key_bits, 1024);
  EXPECT_EQ(facts.signature_algorithm, "sha1WithRSAEncryption");
}

TEST_F(CertificateFactsTest, AnyExtendedKeyUsageAndP384AndEd25519) {
  CertSpec spec = testing::leaf_spec("any.example.com", utc(2026, 1, 1), utc(2026, 6, 1), {"anyExtendedKeyUsage"});
  spec.key_type = KeyType::ec_p384;
  testing::Issued leaf = issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;
  CertificateFacts facts = decode_certificate(leaf.cert.get(), "");
  EXPECT_EQ(facts.eku, (std::vector<std::string>{"anyExtendedKeyUsage"}));
  EXPECT_EQ(facts.key_bits, 384);

  CertSpec ed = testing::root_ca_spec("Ed Root", utc(2026, 1, 1), utc(2030, 1, 1));
  ed.key_type = KeyType::ed25519;
  testing::Issued ed_root = issue(ed);
  ASSERT_TRUE(ed_root) << ed_root.error;
  CertificateFacts ed_facts = decode_certificate(ed_root.cert.get(), "");
  EXPECT_EQ(ed_facts.key_type, "Ed25519");
  EXPECT_EQ(ed_facts.signature_algorithm, "ED25519");
  EXPECT_TRUE(ed_facts.self_signed);
}

TEST_F(CertificateFactsTest, DatesBeyond2038And2049) {
  // 2049 is the last UTCTime year; 2050 onwards is GeneralizedTime.
  CertSpec spec = testing::leaf_spec("far.example.com", utc(2049, 12, 31, 23, 59, 59), utc(2107, 2, 7, 6, 28, 16));
  testing::Issued leaf = issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;
  CertificateFacts facts = decode_certificate(leaf.cert.get(), "");
  EXPECT_EQ(format_instant(facts.not_before), "2049-12-31T23:59:59Z");
  EXPECT_EQ(format_instant(facts.not_after), "2107-02-07T06:28:16Z");
  // 9999-12-31T23:59:59Z: RFC 5280's "no well-defined expiration".
  spec.not_after = utc(9999, 12, 31, 23, 59, 59);
  leaf = issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;
  EXPECT_EQ(format_instant(decode_certificate(leaf.cert.get(), "").not_after), "9999-12-31T23:59:59Z");
}

TEST_F(CertificateFactsTest, DerRoundTripAndTrailingBytesRejected) {
  Bytes der = testing::to_der(root_.cert.get());
  std::optional<CertificateFacts> facts = decode_certificate_der(der, "frame 12");
  ASSERT_TRUE(facts);
  EXPECT_EQ(facts->source, "frame 12");
  EXPECT_EQ(facts->sha256, sha256_hex(root_.cert.get()));
  Bytes longer = der;
  longer.push_back(0);
  EXPECT_FALSE(decode_certificate_der(longer, ""));
  EXPECT_FALSE(decode_certificate_der(Bytes(der.begin(), der.end() - 1), ""));
  EXPECT_FALSE(decode_certificate_der({}, ""));
}

TEST_F(CertificateFactsTest, DecodesDerNames) {
  const X509_NAME* name = X509_get_subject_name(root_.cert.get());
  unsigned char* raw = nullptr;
  int length = i2d_X509_NAME(name, &raw);
  ASSERT_GT(length, 0);
  Bytes der(raw, raw + length);
  OPENSSL_free(raw);
  EXPECT_EQ(decode_name_der(der), "CN=Facts Root,O=trunkcheck test PKI");
  EXPECT_EQ(decode_name_der(Bytes{0x30, 0x05, 0x01}), "");
  EXPECT_EQ(decode_name_der({}), "");
}

TEST_F(CertificateFactsTest, NamesKeepUtf8AndEscapeRfc2253Specials) {
  CertSpec spec = testing::leaf_spec("x", utc(2026, 1, 1), utc(2026, 2, 1));
  spec.common_name = "Zürich, \"Test\"+Lab";
  spec.san_dns.clear();
  testing::Issued leaf = issue(spec, &root_);
  ASSERT_TRUE(leaf) << leaf.error;
  CertificateFacts facts = decode_certificate(leaf.cert.get(), "");
  EXPECT_EQ(facts.common_name, "Zürich, \"Test\"+Lab");
  EXPECT_EQ(facts.subject, "CN=Zürich\\, \\\"Test\\\"\\+Lab,O=trunkcheck test");
}

}  // namespace
}  // namespace tc::x509
