// --crl: revoked serials found for the matching issuer, signature checked.
#include "x509/crl.h"

#include <gtest/gtest.h>

#include "support/cert_factory.h"

namespace tc::x509 {
namespace {

using testing::utc;

class CrlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ = testing::issue(testing::root_ca_spec("CRL Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    ASSERT_TRUE(ca_) << ca_.error;
    auto spec = testing::leaf_spec("revoked.example.com", utc(2026, 1, 1), utc(2026, 7, 1));
    spec.serial = 4242;
    revoked_ = testing::issue(spec, &ca_);
    spec.serial = 4243;
    spec.common_name = "fine.example.com";
    fine_ = testing::issue(spec, &ca_);
    ASSERT_TRUE(revoked_ && fine_);
    crl_ = testing::make_crl(ca_, {{4242, utc(2026, 2, 1)}}, utc(2026, 2, 1), utc(2026, 3, 1));
    ASSERT_TRUE(crl_);
  }
  testing::Issued ca_, revoked_, fine_;
  X509CrlPtr crl_;
};

TEST_F(CrlTest, PemAndDerParse) {
  std::string pem = testing::crl_to_pem(crl_.get()) + testing::crl_to_pem(crl_.get());
  ParsedCrls from_pem = parse_crls({reinterpret_cast<const uint8_t*>(pem.data()), pem.size()});
  EXPECT_EQ(from_pem.crls.size(), 2u);
  EXPECT_TRUE(from_pem.errors.empty());
  ParsedCrls from_der = parse_crls(testing::crl_to_der(crl_.get()));
  EXPECT_EQ(from_der.crls.size(), 1u);
  std::string junk = "junk";
  ParsedCrls bad = parse_crls({reinterpret_cast<const uint8_t*>(junk.data()), junk.size()});
  EXPECT_TRUE(bad.crls.empty());
  EXPECT_EQ(bad.errors, (std::vector<std::string>{"not a CRL: no PEM X509 CRL block and not DER"}));
}

TEST_F(CrlTest, RevokedSerialFoundWithVerifiedSignature) {
  std::vector<X509CrlPtr> crls;
  crls.push_back(std::move(crl_));
  RevocationCheck revoked = check_revocation(revoked_.cert.get(), crls, ca_.cert.get());
  EXPECT_TRUE(revoked.crl_found);
  EXPECT_TRUE(revoked.revoked);
  EXPECT_EQ(revoked.signature, CrlSignature::valid);
  ASSERT_TRUE(revoked.revoked_at);
  EXPECT_EQ(*revoked.revoked_at, utc(2026, 2, 1));
  EXPECT_EQ(revoked.crl_issuer, "CN=CRL Root,O=trunkcheck test PKI");

  RevocationCheck fine = check_revocation(fine_.cert.get(), crls, ca_.cert.get());
  EXPECT_TRUE(fine.crl_found);
  EXPECT_FALSE(fine.revoked);

  RevocationCheck unknown_issuer = check_revocation(revoked_.cert.get(), crls, nullptr);
  EXPECT_TRUE(unknown_issuer.revoked);
  EXPECT_EQ(unknown_issuer.signature, CrlSignature::not_checked);
}

TEST_F(CrlTest, ForgedCrlIsIgnored) {
  // Same issuer name, signed by another key.
  auto spec = testing::root_ca_spec("CRL Root", utc(2020, 1, 1), utc(2040, 1, 1));
  spec.key_slot = 21;
  testing::Issued forger = testing::issue(spec);
  ASSERT_TRUE(forger);
  std::vector<X509CrlPtr> crls;
  crls.push_back(testing::make_crl(forger, {{4243, utc(2026, 2, 1)}}, utc(2026, 2, 1), utc(2026, 3, 1)));
  RevocationCheck check = check_revocation(fine_.cert.get(), crls, ca_.cert.get());
  EXPECT_TRUE(check.crl_found);
  EXPECT_FALSE(check.revoked);
  EXPECT_EQ(check.signature, CrlSignature::invalid);
  EXPECT_FALSE(check.note.empty());
}

TEST_F(CrlTest, OtherIssuersCrlDoesNotApply) {
  auto spec = testing::root_ca_spec("Other Root", utc(2020, 1, 1), utc(2040, 1, 1));
  spec.key_slot = 22;
  testing::Issued other = testing::issue(spec);
  std::vector<X509CrlPtr> crls;
  crls.push_back(testing::make_crl(other, {{4242, utc(2026, 2, 1)}}, utc(2026, 2, 1), utc(2026, 3, 1)));
  RevocationCheck check = check_revocation(revoked_.cert.get(), crls, ca_.cert.get());
  EXPECT_FALSE(check.crl_found);
  EXPECT_FALSE(check.revoked);
}

}  // namespace
}  // namespace tc::x509
