#include "rules/forecast_rules.h"

#include <gtest/gtest.h>

#include "rules/catalogue.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::has_id;
using testing::ids_of;
using testing::leaf_facts;
using testing::profile_named;

StoredEndpointFacts healthy() {
  StoredEndpointFacts facts;
  facts.target = "sbc.example.com:5061";
  facts.label = "London";
  facts.address = "192.0.2.1";
  facts.probed_at = *parse_instant("2026-04-01T10:00:00Z");
  facts.reachable = true;
  facts.leaf = leaf_facts();  // 2026-04-01 … 2026-10-01
  facts.client_auth = ClientAuth::none;
  facts.suites_scanned = true;
  facts.suites_accepted = {0xc030, 0xc02f};
  facts.platform_cipher = 0xc030;
  facts.without_deprecated_tested = true;
  facts.without_deprecated_connected = true;
  return facts;
}

TEST(ForecastRules, NothingToDoInsideTheWindow) {
  Profile profile = profile_named("genesys-byoc-cloud");
  auto judgement = forecast_endpoints({healthy()}, context_at(profile, "2026-04-02"), *parse_instant("2026-06-01"));
  ASSERT_EQ(judgement.endpoints.size(), 1u);
  EXPECT_TRUE(judgement.findings.empty());
  EXPECT_FALSE(judgement.endpoints[0].expires_before_until);
  ASSERT_TRUE(judgement.endpoints[0].renewal_now);
  EXPECT_EQ(judgement.endpoints[0].renewal_now->max_days, 200);
}

TEST(ForecastRules, ExpiryBeforeUntilNamesTheNextLifetimeByIssueDate) {
  Profile profile = profile_named("genesys-byoc-cloud");
  StoredEndpointFacts facts = healthy();
  facts.leaf->not_after = *parse_instant("2027-04-01");
  // Judged in 2027-03: a renewal now may live 200 days; at expiry (after 2027-03-15) 100.
  auto judgement = forecast_endpoints({facts}, context_at(profile, "2027-03-01"), *parse_instant("2027-06-01"));
  ASSERT_EQ(ids_of(judgement.findings), std::vector<std::string>{"cert-expiring-soon"});
  const Finding& finding = judgement.findings[0];
  EXPECT_EQ(finding.severity, find_catalogue_entry("cert-expiring-soon")->severity);
  EXPECT_EQ(finding.subject, "London (sbc.example.com:5061, 192.0.2.1)");
  EXPECT_NE(finding.detail.find("expires on 2027-04-01"), std::string::npos) << finding.detail;
  EXPECT_NE(finding.detail.find("at most 200 days"), std::string::npos) << finding.detail;
  EXPECT_NE(finding.detail.find("one issued on 2027-04-01 at most 100 days"), std::string::npos) << finding.detail;
  EXPECT_EQ(judgement.endpoints[0].renewal_at_expiry->max_days, 100);
  EXPECT_EQ(finding.evidence["renewal_max_days"], 200);

  // Judged after expiry: expired, whatever the window.
  auto later = forecast_endpoints({facts}, context_at(profile, "2027-05-01"), *parse_instant("2027-05-02"));
  EXPECT_EQ(ids_of(later.findings), std::vector<std::string>{"cert-expired"});
}

TEST(ForecastRules, ClientCertificateRequestsFailOutboundSinceTheRenewal) {
  Profile profile = profile_named("genesys-byoc-cloud");
  StoredEndpointFacts optional = healthy();
  optional.client_auth = ClientAuth::optional;
  StoredEndpointFacts required = healthy();
  required.client_auth = ClientAuth::required;
  required.target = "other.example.com:5061";
  auto judgement =
      forecast_endpoints({optional, required}, context_at(profile, "2026-04-02"), *parse_instant("2026-05-01"));
  EXPECT_EQ(ids_of(judgement.endpoints[0].findings), std::vector<std::string>{"mtls-requested"});
  EXPECT_EQ(ids_of(judgement.endpoints[1].findings), std::vector<std::string>{"mtls-required"});
  EXPECT_NE(judgement.findings[0].detail.find("Since 2026-03-09"), std::string::npos) << judgement.findings[0].detail;
  EXPECT_EQ(judgement.findings[1].severity, Severity::critical);
  // Before the platform's renewal the same facts say "from".
  auto before = forecast_endpoints({optional}, context_at(profile, "2026-01-10"), *parse_instant("2026-05-01"));
  EXPECT_NE(before.findings[0].detail.find("From 2026-03-09"), std::string::npos) << before.findings[0].detail;
}

TEST(ForecastRules, DeprecatedSuites) {
  Profile profile = profile_named("genesys-byoc-cloud");
  StoredEndpointFacts negotiated = healthy();
  negotiated.platform_cipher = 0x003d;
  StoredEndpointFacts only = healthy();
  only.platform_cipher = 0xc028;
  only.without_deprecated_connected = false;
  auto judgement =
      forecast_endpoints({negotiated, only}, context_at(profile, "2026-04-02"), *parse_instant("2026-05-01"));
  EXPECT_EQ(ids_of(judgement.endpoints[0].findings), std::vector<std::string>{"cipher-deprecated-negotiated"});
  EXPECT_EQ(ids_of(judgement.endpoints[1].findings), std::vector<std::string>{"cipher-only-deprecated"});
  EXPECT_EQ(judgement.endpoints[0].findings[0].evidence["cipher"], "0x003d");
}

TEST(ForecastRules, RootLosingBrowserTrustWithinTheWindow) {
  Profile profile = profile_named("genesys-byoc-cloud");
  StoredEndpointFacts facts = healthy();
  CertificateFacts root;
  root.subject = "CN=DigiCert High Assurance EV Root CA,OU=www.digicert.com,O=DigiCert Inc,C=US";
  root.subject_hash = "244b5494";
  root.sha256 = std::string(64, 'b');
  facts.anchor = root;
  auto inside = forecast_endpoints({facts}, context_at(profile, "2026-04-02"), *parse_instant("2026-05-01"));
  ASSERT_TRUE(has_id(inside.findings, "chain-root-distrusted"));
  EXPECT_EQ(inside.endpoints[0].root_distrust_event, "chrome-distrust-2006-2007-roots");
  EXPECT_EQ(format_date(*inside.endpoints[0].root_distrusted_on), "2026-04-15");
  auto outside = forecast_endpoints({facts}, context_at(profile, "2026-04-02"), *parse_instant("2026-04-14"));
  EXPECT_FALSE(has_id(outside.findings, "chain-root-distrusted"));
}

TEST(ForecastRules, UnreachableEndpointsAreNotJudged) {
  Profile profile = profile_named("genesys-byoc-cloud");
  StoredEndpointFacts facts = healthy();
  facts.reachable = false;
  facts.client_auth = ClientAuth::required;
  auto judgement = forecast_endpoints({facts}, context_at(profile, "2026-04-02"), *parse_instant("2030-01-01"));
  EXPECT_TRUE(judgement.findings.empty());
}

}  // namespace
}  // namespace tc
