// forge_self_signed_ca / forge_leaf: the EKUs asked for (seen by OpenSSL and
// by this project's facts decoder), chains that verify against the forged CA
// at a moment inside the validity, SANs, key kinds, serials and refusals.
#include "x509/certificate_forge.h"

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include <chrono>

#include "support/cert_factory.h"
#include "x509/certificate_facts.h"

namespace tc::x509 {
namespace {

using testing::utc;

const Instant kNotBefore = utc(2026, 3, 9, 11, 0, 0);
const Instant kNotAfter = utc(2026, 3, 16, 12, 0, 0);
const Instant kDuring = utc(2026, 3, 10);

ForgeSpec drill_spec(bool server_auth, bool client_auth, KeyKind key = KeyKind::ec_p256) {
  ForgeSpec spec;
  spec.common_name = "trunkcheck-drill.invalid";
  spec.dns_names = {"trunkcheck-drill.invalid", "sbc.example.net"};
  spec.server_auth = server_auth;
  spec.client_auth = client_auth;
  spec.key = key;
  spec.not_before = kNotBefore;
  spec.not_after = kNotAfter;
  return spec;
}

// X509_verify_cert of `leaf` (with `chain` as untrusted intermediates) against
// `anchor` at `moment`, for `purpose` (0: none). Returns the verify error (0: ok).
int verify(const ForgedIdentity& leaf, const X509* anchor, Instant moment, int purpose) {
  X509StorePtr store{X509_STORE_new()};
  X509_STORE_add_cert(store.get(), const_cast<X509*>(anchor));
  X509StackPtr untrusted{sk_X509_new_null()};
  for (const X509Ptr& cert : leaf.chain) sk_X509_push(untrusted.get(), share(cert.get()).release());
  X509StoreCtxPtr context{X509_STORE_CTX_new()};
  EXPECT_EQ(X509_STORE_CTX_init(context.get(), store.get(), leaf.certificate.get(), untrusted.get()), 1);
  X509_STORE_CTX_set_time(context.get(), 0, static_cast<time_t>(moment.time_since_epoch().count()));
  if (purpose != 0) X509_STORE_CTX_set_purpose(context.get(), purpose);
  const int ok = X509_verify_cert(context.get());
  const int error = X509_STORE_CTX_get_error(context.get());
  EXPECT_EQ(ok == 1, error == X509_V_OK);
  return error;
}

class ForgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_ =
        forge_self_signed_ca("trunkcheck EKU drill CA (throwaway)", KeyKind::ec_p256, kNotBefore, kNotAfter);
    ASSERT_TRUE(ca_) << ca_.error;
  }
  ForgedIdentity ca_;
};

TEST_F(ForgeTest, CaIsASelfSignedCa) {
  EXPECT_TRUE(ca_.chain.empty());
  EXPECT_EQ(X509_check_ca(ca_.certificate.get()), 1);
  EXPECT_EQ(X509_check_private_key(ca_.certificate.get(), ca_.key.get()), 1);
  const CertificateFacts facts = decode_certificate(ca_.certificate.get(), "forge");
  EXPECT_EQ(facts.subject, "CN=trunkcheck EKU drill CA (throwaway)");
  EXPECT_EQ(facts.issuer, facts.subject);
  EXPECT_TRUE(facts.is_ca);
  EXPECT_TRUE(facts.self_signed);
  EXPECT_EQ(facts.key_usage, (std::vector<std::string>{"keyCertSign", "cRLSign"}));
  EXPECT_FALSE(facts.has_eku_extension);
  EXPECT_FALSE(facts.subject_key_id.empty());
  EXPECT_EQ(facts.not_before, kNotBefore);
  EXPECT_EQ(facts.not_after, kNotAfter);
  EXPECT_EQ(facts.key_type, "EC");
  EXPECT_EQ(facts.key_bits, 256);
  EXPECT_EQ(facts.signature_algorithm, "ecdsa-with-SHA256");
}

TEST_F(ForgeTest, ServerAuthOnlyLeaf) {
  const ForgedIdentity leaf = forge_leaf(drill_spec(true, false), &ca_);
  ASSERT_TRUE(leaf) << leaf.error;
  const uint32_t flags = X509_get_extension_flags(leaf.certificate.get());
  ASSERT_NE(flags & EXFLAG_XKUSAGE, 0u);
  EXPECT_EQ(X509_get_extended_key_usage(leaf.certificate.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
  const CertificateFacts facts = decode_certificate(leaf.certificate.get(), "forge");
  EXPECT_TRUE(facts.has_eku_extension);
  EXPECT_EQ(facts.eku, std::vector<std::string>{"serverAuth"});
  EXPECT_TRUE(facts.has_eku("serverAuth"));
  EXPECT_FALSE(facts.has_eku("clientAuth"));
  EXPECT_EQ(facts.common_name, "trunkcheck-drill.invalid");
  EXPECT_EQ(facts.san_dns, (std::vector<std::string>{"trunkcheck-drill.invalid", "sbc.example.net"}));
  EXPECT_EQ(facts.issuer, "CN=trunkcheck EKU drill CA (throwaway)");
  EXPECT_FALSE(facts.is_ca);
  EXPECT_FALSE(facts.self_issued);
  EXPECT_EQ(facts.authority_key_id, decode_certificate(ca_.certificate.get(), "ca").subject_key_id);
  EXPECT_EQ(facts.key_usage, std::vector<std::string>{"digitalSignature"});
  EXPECT_EQ(X509_check_private_key(leaf.certificate.get(), leaf.key.get()), 1);

  // The chain carries the CA; the leaf verifies for a server and is refused for a client.
  ASSERT_EQ(leaf.chain.size(), 1u);
  EXPECT_EQ(X509_cmp(leaf.chain[0].get(), ca_.certificate.get()), 0);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kDuring, 0), X509_V_OK);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_CLIENT),
            X509_V_ERR_INVALID_PURPOSE);
}

TEST_F(ForgeTest, ServerAndClientAuthLeaf) {
  const ForgedIdentity leaf = forge_leaf(drill_spec(true, true), &ca_);
  ASSERT_TRUE(leaf) << leaf.error;
  EXPECT_EQ(X509_get_extended_key_usage(leaf.certificate.get()),
            static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  const CertificateFacts facts = decode_certificate(leaf.certificate.get(), "forge");
  EXPECT_EQ(facts.eku, (std::vector<std::string>{"serverAuth", "clientAuth"}));
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_SERVER), X509_V_OK);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST_F(ForgeTest, ClientAuthOnlyAndNoEku) {
  const ForgedIdentity client = forge_leaf(drill_spec(false, true), &ca_);
  ASSERT_TRUE(client) << client.error;
  EXPECT_EQ(X509_get_extended_key_usage(client.certificate.get()), static_cast<uint32_t>(XKU_SSL_CLIENT));
  EXPECT_EQ(verify(client, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_SERVER),
            X509_V_ERR_INVALID_PURPOSE);

  const ForgedIdentity any = forge_leaf(drill_spec(false, false), &ca_);
  ASSERT_TRUE(any) << any.error;
  const CertificateFacts facts = decode_certificate(any.certificate.get(), "forge");
  EXPECT_FALSE(facts.has_eku_extension);  // no extension: any purpose
  EXPECT_TRUE(facts.eku.empty());
  EXPECT_EQ(verify(any, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_CLIENT), X509_V_OK);
}

TEST_F(ForgeTest, ValidityIsTheCallers) {
  const ForgedIdentity leaf = forge_leaf(drill_spec(true, true), &ca_);
  ASSERT_TRUE(leaf) << leaf.error;
  const CertificateFacts facts = decode_certificate(leaf.certificate.get(), "forge");
  EXPECT_EQ(facts.not_before, kNotBefore);
  EXPECT_EQ(facts.not_after, kNotAfter);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kNotBefore - std::chrono::seconds(1), 0),
            X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_EQ(verify(leaf, ca_.certificate.get(), kNotAfter + std::chrono::seconds(1), 0),
            X509_V_ERR_CERT_HAS_EXPIRED);
  // Past 2049 the dates are GeneralizedTime (RFC 5280 §4.1.2.5).
  ForgeSpec late = drill_spec(true, false);
  late.not_before = utc(2049, 12, 31);
  late.not_after = utc(2050, 1, 2);
  const ForgedIdentity far = forge_leaf(late, nullptr);
  ASSERT_TRUE(far) << far.error;
  EXPECT_EQ(decode_certificate(far.certificate.get(), "forge").not_after, utc(2050, 1, 2));
}

TEST_F(ForgeTest, RsaAndEcKeys) {
  const ForgedIdentity rsa = forge_leaf(drill_spec(true, true, KeyKind::rsa2048), &ca_);
  ASSERT_TRUE(rsa) << rsa.error;
  EXPECT_EQ(EVP_PKEY_get_base_id(rsa.key.get()), EVP_PKEY_RSA);
  const CertificateFacts rsa_facts = decode_certificate(rsa.certificate.get(), "forge");
  EXPECT_EQ(rsa_facts.key_type, "RSA");
  EXPECT_EQ(rsa_facts.key_bits, 2048);
  EXPECT_EQ(rsa_facts.key_usage, (std::vector<std::string>{"digitalSignature", "keyEncipherment"}));
  EXPECT_EQ(rsa_facts.signature_algorithm, "ecdsa-with-SHA256");  // signed by the EC CA
  EXPECT_EQ(verify(rsa, ca_.certificate.get(), kDuring, X509_PURPOSE_SSL_SERVER), X509_V_OK);

  const ForgedIdentity ec = forge_leaf(drill_spec(true, true, KeyKind::ec_p256), &ca_);
  ASSERT_TRUE(ec) << ec.error;
  EXPECT_EQ(EVP_PKEY_get_base_id(ec.key.get()), EVP_PKEY_EC);
  EXPECT_EQ(decode_certificate(ec.certificate.get(), "forge").key_bits, 256);

  // An RSA root signing an RSA leaf: the listener's --self-signed chain.
  const ForgedIdentity rsa_root =
      forge_self_signed_ca("trunkcheck throwaway root", KeyKind::rsa2048, kNotBefore, kNotAfter);
  ASSERT_TRUE(rsa_root) << rsa_root.error;
  ForgeSpec server = drill_spec(true, false, KeyKind::rsa2048);
  server.common_name = "listener.example.org";
  server.dns_names = {"listener.example.org"};
  const ForgedIdentity listener = forge_leaf(server, &rsa_root);
  ASSERT_TRUE(listener) << listener.error;
  EXPECT_EQ(decode_certificate(listener.certificate.get(), "forge").signature_algorithm,
            "sha256WithRSAEncryption");
  EXPECT_EQ(verify(listener, rsa_root.certificate.get(), kDuring, X509_PURPOSE_SSL_SERVER), X509_V_OK);
}

TEST_F(ForgeTest, SelfSignedLeaf) {
  const ForgedIdentity leaf = forge_leaf(drill_spec(true, false), nullptr);
  ASSERT_TRUE(leaf) << leaf.error;
  EXPECT_TRUE(leaf.chain.empty());
  const CertificateFacts facts = decode_certificate(leaf.certificate.get(), "forge");
  EXPECT_TRUE(facts.self_issued);
  EXPECT_TRUE(facts.self_signed);
  EXPECT_FALSE(facts.is_ca);
  EXPECT_TRUE(facts.authority_key_id.empty());
  EXPECT_EQ(X509_verify(leaf.certificate.get(), X509_get0_pubkey(leaf.certificate.get())), 1);
}

TEST_F(ForgeTest, NamesOnlyInTheSanMakeItCritical) {
  ForgeSpec spec = drill_spec(true, false);
  spec.common_name.clear();
  const ForgedIdentity leaf = forge_leaf(spec, &ca_);
  ASSERT_TRUE(leaf) << leaf.error;
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(leaf.certificate.get())), 0);
  const int index = X509_get_ext_by_NID(leaf.certificate.get(), NID_subject_alt_name, -1);
  ASSERT_GE(index, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(leaf.certificate.get(), index)), 1);
  EXPECT_EQ(decode_certificate(leaf.certificate.get(), "forge").san_dns.size(), 2u);

  ForgeSpec no_san = drill_spec(true, false);
  no_san.dns_names.clear();
  const ForgedIdentity cn_only = forge_leaf(no_san, &ca_);
  ASSERT_TRUE(cn_only) << cn_only.error;
  EXPECT_LT(X509_get_ext_by_NID(cn_only.certificate.get(), NID_subject_alt_name, -1), 0);
}

TEST_F(ForgeTest, SerialsAreRandom128Bits) {
  const ForgedIdentity a = forge_leaf(drill_spec(true, false), &ca_);
  const ForgedIdentity b = forge_leaf(drill_spec(true, false), &ca_);
  ASSERT_TRUE(a && b);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a.certificate.get()),
                             X509_get0_serialNumber(b.certificate.get())),
            0);
  for (const ForgedIdentity* identity : {static_cast<const ForgedIdentity*>(&ca_), &a, &b}) {
    BignumPtr serial{ASN1_INTEGER_to_BN(X509_get0_serialNumber(identity->certificate.get()), nullptr)};
    ASSERT_TRUE(serial);
    EXPECT_FALSE(BN_is_negative(serial.get()));
    EXPECT_LE(BN_num_bits(serial.get()), 128);
    EXPECT_GT(BN_num_bits(serial.get()), 64);  // fails once in 2^64 runs
  }
  // Keys are fresh per certificate too.
  EXPECT_NE(EVP_PKEY_eq(a.key.get(), b.key.get()), 1);
}

TEST_F(ForgeTest, ChainIncludesTheIssuersChain) {
  // A leaf issued by an identity that itself carries a chain passes it on, nearest first.
  ForgedIdentity issuer = forge_self_signed_ca("Intermediate-ish", KeyKind::ec_p256, kNotBefore, kNotAfter);
  ASSERT_TRUE(issuer) << issuer.error;
  issuer.chain.push_back(share(ca_.certificate.get()));
  const ForgedIdentity leaf = forge_leaf(drill_spec(true, false), &issuer);
  ASSERT_TRUE(leaf) << leaf.error;
  ASSERT_EQ(leaf.chain.size(), 2u);
  EXPECT_EQ(X509_cmp(leaf.chain[0].get(), issuer.certificate.get()), 0);
  EXPECT_EQ(X509_cmp(leaf.chain[1].get(), ca_.certificate.get()), 0);
}

TEST_F(ForgeTest, Refusals) {
  ForgeSpec backwards = drill_spec(true, false);
  std::swap(backwards.not_before, backwards.not_after);
  ForgedIdentity out = forge_leaf(backwards, &ca_);
  EXPECT_FALSE(out);
  EXPECT_EQ(out.error, "leaf: not_after is before not_before");
  EXPECT_FALSE(out.certificate);
  EXPECT_FALSE(out.key);

  const ForgedIdentity not_a_ca = forge_leaf(drill_spec(true, true), &ca_);
  ASSERT_TRUE(not_a_ca);
  EXPECT_EQ(forge_leaf(drill_spec(true, false), &not_a_ca).error, "leaf: the issuer is not a CA");

  ForgedIdentity keyless;
  keyless.certificate = share(ca_.certificate.get());
  EXPECT_EQ(forge_leaf(drill_spec(true, false), &keyless).error,
            "leaf: the issuer has no certificate or key");

  ForgeSpec nameless = drill_spec(true, false);
  nameless.common_name.clear();
  nameless.dns_names.clear();
  EXPECT_EQ(forge_leaf(nameless, nullptr).error, "leaf: neither a common name nor a DNS name");

  ForgeSpec unicode = drill_spec(true, false);
  unicode.dns_names = {
      "b\xc3\xbc"
      "cher.example"};
  EXPECT_EQ(forge_leaf(unicode, nullptr).error,
            "leaf: \"b\xc3\xbc"
            "cher.example\" is not an ASCII DNS name");
  unicode.dns_names = {"two words.example"};
  EXPECT_FALSE(forge_leaf(unicode, nullptr));

  ForgeSpec long_cn = drill_spec(true, false);
  long_cn.common_name = std::string(65, 'a');
  out = forge_leaf(long_cn, nullptr);
  EXPECT_FALSE(out);
  EXPECT_NE(out.error.find("as common name"), std::string::npos) << out.error;

  EXPECT_EQ(forge_self_signed_ca("", KeyKind::ec_p256, kNotBefore, kNotAfter).error,
            "a CA needs a common name");
  EXPECT_EQ(forge_self_signed_ca("CA", KeyKind::ec_p256, kNotAfter, kNotBefore).error,
            "CA: not_after is before not_before");
  EXPECT_EQ(ERR_peek_error(), 0u);  // no OpenSSL error left queued for the next caller
}

}  // namespace
}  // namespace tc::x509
