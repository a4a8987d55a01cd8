#include <gtest/gtest.h>

#include "rules/cert_rules.h"
#include "rules/lifetime.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::has_id;
using testing::ids_of;
using testing::leaf_facts;
using testing::profile_named;

class CertRules : public ::testing::Test {
 protected:
  Profile genesys = profile_named("genesys-byoc-cloud");
  Profile mtls = profile_named("mtls-both-eku");
};

TEST_F(CertRules, AHealthyServerLeafHasNoFindings) {
  auto findings = judge_certificate(leaf_facts(), CertRole::leaf, context_at(genesys, "2026-06-01"));
  EXPECT_TRUE(findings.empty()) << ::testing::PrintToString(ids_of(findings));
}

TEST_F(CertRules, ClientAuthOnAServerCertificateNamesTheCaDates) {
  CertificateFacts facts = leaf_facts();
  facts.eku = {"serverAuth", "clientAuth"};
  auto findings = judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01"));
  ASSERT_EQ(ids_of(findings), std::vector<std::string>{"cert-client-auth-eku"});
  const std::string& detail = findings[0].detail;
  EXPECT_NE(detail.find("2027-03-01 DigiCert hard stop"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Coming:"), std::string::npos);
  EXPECT_NE(detail.find("Nothing may depend on it"), std::string::npos);
  EXPECT_EQ(findings[0].severity, Severity::medium);
}

TEST_F(CertRules, MtlsProfileNeedsClientAuth) {
  auto findings = judge_certificate(leaf_facts(), CertRole::leaf, context_at(mtls, "2026-06-01", Purpose::both));
  EXPECT_TRUE(has_id(findings, "cert-missing-client-auth-eku"));
  // The Genesys profile does not.
  auto genesys_findings = judge_certificate(leaf_facts(), CertRole::leaf, context_at(genesys, "2026-06-01"));
  EXPECT_FALSE(has_id(genesys_findings, "cert-missing-client-auth-eku"));
}

TEST_F(CertRules, MissingServerAuthAndSipDomain) {
  CertificateFacts facts = leaf_facts();
  facts.eku = {"sipDomain"};
  auto findings = judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01"));
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"cert-eku-sip-domain", "cert-missing-server-auth-eku"}));
  facts.eku = {"anyExtendedKeyUsage"};
  findings = judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01"));
  EXPECT_EQ(ids_of(findings), std::vector<std::string>{"cert-eku-any"});
  facts.has_eku_extension = false;
  facts.eku.clear();
  EXPECT_TRUE(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01")).empty());
}

TEST_F(CertRules, DatesAreJudgedAtTheGivenMoment) {
  CertificateFacts facts = leaf_facts();
  EXPECT_TRUE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-10-02")), "cert-expired"));
  EXPECT_TRUE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-03-31")),
                     "cert-not-yet-valid"));
  EXPECT_TRUE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-09-10")),
                     "cert-expiring-soon"));
  EXPECT_FALSE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-08-31")),
                      "cert-expiring-soon"));
}

TEST_F(CertRules, LifetimeLimitFollowsTheIssueDate) {
  CertificateFacts facts = leaf_facts();
  // Issued after 2026-03-15: at most 200 days.
  facts.not_before = *parse_instant("2026-04-01T00:00:00Z");
  facts.not_after = facts.not_before + Days{200} - std::chrono::seconds{1};
  EXPECT_EQ(lifetime_days(facts), 200);
  EXPECT_FALSE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-05-01")),
                      "cert-lifetime-exceeds-limit"));
  facts.not_after += std::chrono::seconds{1};  // one second over counts as a day
  EXPECT_EQ(lifetime_days(facts), 201);
  auto findings = judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-05-01"));
  ASSERT_TRUE(has_id(findings, "cert-lifetime-exceeds-limit"));
  // The same lifetime issued before 2026-03-15 is within 398 days.
  facts.not_before = *parse_instant("2026-03-14");
  facts.not_after = facts.not_before + Days{201};
  EXPECT_FALSE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-05-01")),
                      "cert-lifetime-exceeds-limit"));
}

TEST_F(CertRules, RenewalForecastNamesTheNextStep) {
  auto forecast = renewal_forecast(context_at(genesys, "2026-11-23"));
  EXPECT_EQ(forecast["max_days"], 200);
  EXPECT_EQ(forecast["expires_by"], "2027-06-11");
  EXPECT_EQ(forecast["next"]["from"], "2027-03-15");
  EXPECT_EQ(forecast["next"]["max_days"], 100);
  EXPECT_EQ(renewal_forecast(context_at(genesys, "2030-01-01"))["max_days"], 47);
}

TEST_F(CertRules, WeakKeysSignaturesAndRevocationInfo) {
  CertificateFacts facts = leaf_facts();
  facts.key_bits = 1024;
  facts.signature_algorithm = "sha1WithRSAEncryption";
  facts.has_crl_distribution_points = false;
  auto findings = judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01"));
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"cert-no-revocation-info", "key-weak", "signature-weak"}));
  // A root's own SHA-1 self-signature does not matter.
  facts.is_ca = true;
  facts.self_signed = true;
  facts.key_bits = 4096;
  EXPECT_TRUE(judge_certificate(facts, CertRole::root, context_at(genesys, "2026-06-01")).empty());
  CertificateFacts ec = leaf_facts();
  ec.key_type = "EC";
  ec.key_bits = 224;
  EXPECT_TRUE(has_id(judge_certificate(ec, CertRole::leaf, context_at(genesys, "2026-06-01")), "key-weak"));
}

TEST_F(CertRules, KeyUsageForClientCertificates) {
  CertificateFacts facts = leaf_facts();
  facts.eku = {"serverAuth", "clientAuth"};
  facts.key_usage = {"keyEncipherment"};
  EXPECT_FALSE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01")),
                      "cert-key-usage-unsuitable"));
  EXPECT_TRUE(has_id(judge_certificate(facts, CertRole::leaf, context_at(genesys, "2026-06-01", Purpose::client)),
                     "cert-key-usage-unsuitable"));
}

TEST_F(CertRules, ChainVerdictsBecomeFindings) {
  ChainVerdict verdict;
  verdict.leaf_found = true;
  verdict.path = {leaf_facts()};
  verdict.missing_issuer = "CN=Example Issuing CA,O=Example";
  verdict.verify_error = 20;
  auto findings = judge_chain(verdict, context_at(genesys, "2026-06-01"), "leaf");
  ASSERT_EQ(ids_of(findings), std::vector<std::string>{"chain-incomplete"});
  EXPECT_NE(findings[0].detail.find("CN=Example Issuing CA"), std::string::npos);

  ChainVerdict untrusted;
  untrusted.leaf_found = true;
  untrusted.ends_in_untrusted_root = true;
  untrusted.presented_in_order = false;
  untrusted.root_included = true;
  untrusted.path = {leaf_facts(), leaf_facts("Lab Root")};
  EXPECT_EQ(ids_of(judge_chain(untrusted, context_at(genesys, "2026-06-01"), "leaf")),
            (std::vector<std::string>{"chain-order", "chain-root-included", "chain-untrusted-root"}));

  // A lone self-signed leaf is not "a chain that includes its root".
  untrusted.path.resize(1);
  EXPECT_EQ(ids_of(judge_chain(untrusted, context_at(genesys, "2026-06-01"), "leaf")),
            (std::vector<std::string>{"chain-order", "chain-untrusted-root"}));

  // Wrong purpose on the leaf is the EKU rules' business, not a chain failure.
  ChainVerdict purpose;
  purpose.leaf_found = true;
  purpose.verify_error = 26;
  purpose.verify_error_depth = 0;
  EXPECT_TRUE(judge_chain(purpose, context_at(genesys, "2026-06-01"), "leaf").empty());
  purpose.verify_error_depth = 1;  // an intermediate restricted to another purpose is
  EXPECT_EQ(ids_of(judge_chain(purpose, context_at(genesys, "2026-06-01"), "leaf")),
            std::vector<std::string>{"chain-verify-failed"});

  ChainVerdict good;
  good.leaf_found = true;
  good.trusted = good.trusted_ignoring_time = true;
  EXPECT_TRUE(judge_chain(good, context_at(genesys, "2026-06-01"), "leaf").empty());
}

}  // namespace
}  // namespace tc
