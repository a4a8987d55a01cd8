// verify_chain: leaf by building, missing issuer, untrusted root, order,
// root included, dates at an injected moment, purpose (DOMAIN.md §5).
#include "x509/chain_builder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <openssl/x509_vfy.h>

#include "support/cert_factory.h"
#include "x509/certificate_facts.h"

namespace tc::x509 {
namespace {

using testing::utc;

class ChainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = testing::issue(testing::root_ca_spec("Chain Root", utc(2020, 1, 1), utc(2040, 1, 1)));
    ASSERT_TRUE(root_) << root_.error;
    intermediate_ = testing::issue(testing::intermediate_ca_spec("Chain Issuing CA", utc(2020, 1, 1), utc(2035, 1, 1)),
                                   &root_);
    ASSERT_TRUE(intermediate_) << intermediate_.error;
    leaf_ = testing::issue(testing::leaf_spec("sbc.example.com", utc(2026, 1, 1), utc(2026, 7, 1), {"serverAuth"}),
                           &intermediate_);
    ASSERT_TRUE(leaf_) << leaf_.error;
    trust_.add(share(root_.cert.get()), kSourceTrustFile);
  }

  std::vector<X509Ptr> presented(std::initializer_list<const testing::Issued*> certs) {
    std::vector<X509Ptr> out;
    for (const testing::Issued* cert : certs) out.push_back(share(cert->cert.get()));
    return out;
  }

  VerifyOptions at(Instant moment, Purpose purpose = Purpose::none) { return VerifyOptions{moment, purpose}; }

  testing::Issued root_, intermediate_, leaf_;
  TrustStore trust_;
};

TEST_F(ChainTest, CompleteChainInOrderIsTrusted) {
  auto certs = presented({&leaf_, &intermediate_});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1), Purpose::server));
  EXPECT_TRUE(verdict.leaf_found);
  EXPECT_EQ(verdict.leaf_index, 0u);
  EXPECT_TRUE(verdict.trusted);
  EXPECT_TRUE(verdict.trusted_ignoring_time);
  EXPECT_EQ(verdict.verify_error, 0);
  ASSERT_EQ(verdict.path.size(), 3u);
  EXPECT_EQ(verdict.path[0].common_name, "sbc.example.com");
  EXPECT_EQ(verdict.path[1].common_name, "Chain Issuing CA");
  EXPECT_EQ(verdict.path[2].common_name, "Chain Root");
  EXPECT_EQ(verdict.path[2].source, "trust:trust-file");
  EXPECT_TRUE(verdict.presented_in_order);
  EXPECT_FALSE(verdict.root_included);
  EXPECT_TRUE(verdict.unused.empty());
  EXPECT_FALSE(verdict.missing_issuer);
  EXPECT_FALSE(verdict.ends_in_untrusted_root);
  EXPECT_EQ(verdict.anchor_source, "trust-file");
}

TEST_F(ChainTest, LeafFoundRegardlessOfOrderAndOrderReported) {
  auto certs = presented({&root_, &intermediate_, &leaf_});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1)));
  EXPECT_TRUE(verdict.leaf_found);
  EXPECT_EQ(verdict.leaf_index, 2u);
  EXPECT_TRUE(verdict.trusted);
  EXPECT_FALSE(verdict.presented_in_order);
  EXPECT_TRUE(verdict.root_included);
  ASSERT_EQ(verdict.path.size(), 3u);
  EXPECT_EQ(verdict.path[0].source, "presented[2]");

  auto swapped = presented({&leaf_, &root_, &intermediate_});
  ChainVerdict second = verify_chain(swapped, trust_, at(utc(2026, 3, 1)));
  EXPECT_EQ(second.leaf_index, 0u);
  EXPECT_TRUE(second.trusted);
  EXPECT_FALSE(second.presented_in_order);
}

TEST_F(ChainTest, RootIncludedInOrder) {
  auto certs = presented({&leaf_, &intermediate_, &root_});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1)));
  EXPECT_TRUE(verdict.trusted);
  EXPECT_TRUE(verdict.presented_in_order);
  EXPECT_TRUE(verdict.root_included);
  EXPECT_TRUE(verdict.unused.empty());
}

TEST_F(ChainTest, MissingIntermediateNamesTheIssuer) {
  auto certs = presented({&leaf_});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1)));
  EXPECT_FALSE(verdict.trusted);
  EXPECT_FALSE(verdict.trusted_ignoring_time);
  EXPECT_EQ(verdict.verify_error, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
  EXPECT_EQ(verdict.verify_error_depth, 0);
  ASSERT_TRUE(verdict.missing_issuer);
  EXPECT_EQ(*verdict.missing_issuer, "CN=Chain Issuing CA,O=trunkcheck test PKI");
  EXPECT_FALSE(verdict.ends_in_untrusted_root);
  EXPECT_EQ(verdict.path.size(), 1u);
  EXPECT_TRUE(verdict.anchor_source.empty());
}

TEST_F(ChainTest, UntrustedRoot) {
  TrustStore empty;
  auto certs = presented({&leaf_, &intermediate_, &root_});
  ChainVerdict verdict = verify_chain(certs, empty, at(utc(2026, 3, 1)));
  EXPECT_FALSE(verdict.trusted);
  EXPECT_EQ(verdict.verify_error, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN);
  EXPECT_TRUE(verdict.ends_in_untrusted_root);
  EXPECT_FALSE(verdict.missing_issuer);
  EXPECT_EQ(verdict.path.size(), 3u);

  // The root not sent and not trusted: the path stops at the intermediate.
  auto short_chain = presented({&leaf_, &intermediate_});
  ChainVerdict stopped = verify_chain(short_chain, empty, at(utc(2026, 3, 1)));
  ASSERT_TRUE(stopped.missing_issuer);
  EXPECT_EQ(*stopped.missing_issuer, "CN=Chain Root,O=trunkcheck test PKI");
}

TEST_F(ChainTest, SelfSignedLeafAlone) {
  auto spec = testing::leaf_spec("self.example.com", utc(2026, 1, 1), utc(2026, 7, 1));
  spec.key_slot = 9;
  testing::Issued self = testing::issue(spec);
  ASSERT_TRUE(self) << self.error;
  auto certs = presented({&self});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1)));
  EXPECT_TRUE(verdict.leaf_found);
  EXPECT_FALSE(verdict.trusted);
  EXPECT_EQ(verdict.verify_error, X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
  EXPECT_TRUE(verdict.ends_in_untrusted_root);
  EXPECT_TRUE(verdict.root_included);
}

TEST_F(ChainTest, ExpiredAtOneMomentValidAtAnEarlierOne) {
  auto certs = presented({&leaf_, &intermediate_});
  ChainVerdict later = verify_chain(certs, trust_, at(utc(2026, 7, 1, 0, 0, 1)));
  EXPECT_FALSE(later.trusted);
  EXPECT_TRUE(later.trusted_ignoring_time);
  EXPECT_EQ(later.verify_error, X509_V_ERR_CERT_HAS_EXPIRED);
  EXPECT_EQ(later.verify_error_depth, 0);
  EXPECT_EQ(later.anchor_source, "trust-file");  // structurally the path reaches the anchor

  // OpenSSL treats notAfter itself as expired (X509_cmp_time returns -1 for
  // "equal"), one second short of RFC 5280's inclusive validity.
  ChainVerdict last_second = verify_chain(certs, trust_, at(utc(2026, 6, 30, 23, 59, 59)));
  EXPECT_TRUE(last_second.trusted);
  ChainVerdict at_not_after = verify_chain(certs, trust_, at(utc(2026, 7, 1)));
  EXPECT_EQ(at_not_after.verify_error, X509_V_ERR_CERT_HAS_EXPIRED);

  ChainVerdict early = verify_chain(certs, trust_, at(utc(2025, 12, 31, 23, 59, 59)));
  EXPECT_FALSE(early.trusted);
  EXPECT_EQ(early.verify_error, X509_V_ERR_CERT_NOT_YET_VALID);
  EXPECT_TRUE(early.trusted_ignoring_time);
}

TEST_F(ChainTest, ClientPurposeRejectsServerAuthOnlyLeaf) {
  auto certs = presented({&leaf_, &intermediate_});
  ChainVerdict server = verify_chain(certs, trust_, at(utc(2026, 3, 1), Purpose::server));
  EXPECT_TRUE(server.trusted);
  ChainVerdict client = verify_chain(certs, trust_, at(utc(2026, 3, 1), Purpose::client));
  EXPECT_FALSE(client.trusted);
  EXPECT_EQ(client.verify_error, X509_V_ERR_INVALID_PURPOSE);
  EXPECT_EQ(client.verify_error, 26);
  EXPECT_EQ(client.verify_error_depth, 0);
  EXPECT_EQ(client.verify_error_text, "unsuitable certificate purpose");
  EXPECT_FALSE(client.trusted_ignoring_time);  // not a date problem

  testing::Issued both = testing::issue(
      testing::leaf_spec("both.example.com", utc(2026, 1, 1), utc(2026, 7, 1), {"serverAuth", "clientAuth"}),
      &intermediate_);
  auto both_certs = presented({&both, &intermediate_});
  EXPECT_TRUE(verify_chain(both_certs, trust_, at(utc(2026, 3, 1), Purpose::client)).trusted);
}

TEST_F(ChainTest, IntermediateWithServerAuthOnlyEkuFailsClientPurposeAtDepthOne) {
  auto spec = testing::intermediate_ca_spec("Server-only CA", utc(2020, 1, 1), utc(2035, 1, 1));
  spec.eku = std::vector<std::string>{"serverAuth"};
  spec.key_slot = 3;
  testing::Issued server_only_ca = testing::issue(spec, &root_);
  ASSERT_TRUE(server_only_ca) << server_only_ca.error;
  testing::Issued leaf = testing::issue(
      testing::leaf_spec("m.example.com", utc(2026, 1, 1), utc(2026, 7, 1), {"serverAuth", "clientAuth"}),
      &server_only_ca);
  auto certs = presented({&leaf, &server_only_ca});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1), Purpose::client));
  EXPECT_EQ(verdict.verify_error, X509_V_ERR_INVALID_PURPOSE);
  EXPECT_EQ(verdict.verify_error_depth, 1);
}

TEST_F(ChainTest, TrustedIntermediateAloneIsNotEnough) {
  // PARTIAL_CHAIN stays off: trusting only the intermediate does not verify.
  TrustStore only_intermediate;
  only_intermediate.add(share(intermediate_.cert.get()), kSourceProfile);
  auto certs = presented({&leaf_});
  ChainVerdict verdict = verify_chain(certs, only_intermediate, at(utc(2026, 3, 1)));
  EXPECT_FALSE(verdict.trusted);
}

TEST_F(ChainTest, UnrelatedCertificateIsUnused) {
  testing::Issued stranger = testing::issue([] {
    auto spec = testing::root_ca_spec("Stranger Root", utc(2020, 1, 1), utc(2040, 1, 1));
    spec.key_slot = 11;
    return spec;
  }());
  auto certs = presented({&leaf_, &intermediate_, &stranger});
  ChainVerdict verdict = verify_chain(certs, trust_, at(utc(2026, 3, 1)));
  EXPECT_TRUE(verdict.trusted);
  EXPECT_EQ(verdict.leaf_index, 0u);
  EXPECT_EQ(verdict.unused, (std::vector<size_t>{2}));
  EXPECT_TRUE(verdict.presented_in_order);
  EXPECT_TRUE(verdict.root_included);
}

TEST_F(ChainTest, EmptyInput) {
  std::vector<X509Ptr> none;
  ChainVerdict verdict = verify_chain(none, trust_, at(utc(2026, 3, 1)));
  EXPECT_FALSE(verdict.leaf_found);
  EXPECT_FALSE(verdict.trusted);
}

TEST_F(ChainTest, TrustStoreLookupBySubjectAndKey) {
  EXPECT_EQ(trust_.size(), 1u);
  EXPECT_FALSE(trust_.add(share(root_.cert.get()), kSourceSystem));  // duplicate keeps the first label
  auto found = trust_.find_by_subject_hash(subject_hash_hex(root_.cert.get()));
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]->source, kSourceTrustFile);
  // A re-issued root (same name and key, new validity) is the same anchor.
  auto reissue = testing::root_ca_spec("Chain Root", utc(2021, 1, 1), utc(2045, 1, 1));
  reissue.serial = 99;
  testing::Issued renewed = testing::issue(reissue);
  ASSERT_TRUE(renewed) << renewed.error;
  EXPECT_EQ(trust_.find_equivalent(renewed.cert.get()), found[0]);
  // Same name, other key: not the anchor even though the hash matches.
  reissue.key_slot = 12;
  testing::Issued impostor = testing::issue(reissue);
  ASSERT_TRUE(impostor) << impostor.error;
  EXPECT_EQ(subject_hash_hex(impostor.cert.get()), subject_hash_hex(root_.cert.get()));
  EXPECT_EQ(trust_.find_equivalent(impostor.cert.get()), nullptr);
}

// The system store is read without public keys (Keys::deferred) to resolve a
// profile's roots cheaply; a root taken from it into a verifying store gets
// its key back, so chains still verify against it.
TEST_F(ChainTest, RootReadWithoutItsKeyVerifiesOnceTakenIntoAVerifyingStore) {
  char pattern[] = "/tmp/tc-deferred-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string directory = pattern;
  ASSERT_TRUE(testing::write_file(directory + "/root.pem", testing::to_pem(root_.cert.get())));

  TrustStore index(TrustStore::Keys::deferred);
  TrustLoadReport report = index.add_system(directory);
  ASSERT_EQ(report.added, 1u);
  EXPECT_EQ(index.store(), nullptr);
  const Anchor& read = index.anchors().front();
  EXPECT_EQ(X509_get0_pubkey(read.cert.get()), nullptr);  // parsed without its key
  EXPECT_EQ(read.sha256, sha256_hex(root_.cert.get()));
  EXPECT_EQ(read.subject_hash, subject_hash_hex(root_.cert.get()));
  EXPECT_EQ(common_name_of(read.cert.get()), "Chain Root");

  TrustStore verifying;
  ASSERT_TRUE(verifying.add(share(read.cert.get()), kSourceProfile, read.path));
  EXPECT_NE(X509_get0_pubkey(verifying.anchors().front().cert.get()), nullptr);
  auto certs = presented({&leaf_, &intermediate_});
  ChainVerdict verdict = verify_chain(certs, verifying, at(utc(2026, 3, 1), Purpose::server));
  EXPECT_TRUE(verdict.trusted) << verdict.verify_error;
  EXPECT_EQ(verdict.verify_error, 0);

  std::remove((directory + "/root.pem").c_str());
  rmdir(directory.c_str());
}

}  // namespace
}  // namespace tc::x509
