#include <gtest/gtest.h>

#include "rules/probe_rules.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::ids_of;
using testing::profile_named;

// An endpoint that answered the platform's handshake with 0xc030 and no
// CertificateRequest; tests change what they need.
EndpointEvidence answered_endpoint() {
  EndpointEvidence endpoint;
  endpoint.host = "sbc.example.com";
  endpoint.address = "203.0.113.5";
  endpoint.port = 5061;
  endpoint.sni = "sbc.example.com";
  Connection platform;
  platform.client = "198.51.100.10:40000";
  platform.server = "203.0.113.5:5061";
  platform.is_tls = true;
  platform.version = 0x0303;
  platform.cipher = 0xc030;
  platform.established = true;
  platform.messages = {{Side::client, 1, 1}, {Side::server, 2, 2}, {Side::server, 11, 3}, {Side::server, 14, 4}};
  endpoint.connections.push_back(platform);
  endpoint.connection_purposes.push_back("platform handshake");
  endpoint.platform_handshake_completed = true;
  endpoint.client_auth = ClientAuth::none;
  endpoint.sip = SipEvidence{{}, SipResponseSeen{200, "OK", "kamailio (5.6.3 (x86_64/linux))"}, ""};
  return endpoint;
}

// Adds a drill attempt with its own connection.
void add_drill(EndpointEvidence& endpoint, DrillCredential kind, bool client_auth, bool completed,
               std::optional<uint8_t> alert, std::vector<std::string> leaf_eku = {}) {
  Connection connection;
  connection.client = "198.51.100.10:40001";
  connection.server = endpoint.connections[0].server;
  connection.is_tls = true;
  connection.certificate_request = true;
  connection.established = completed;
  if (alert) connection.alerts = {{Side::server, 2, alert, 5}};
  if (!leaf_eku.empty()) {
    CertificateFacts leaf = testing::leaf_facts("client.example.com");
    leaf.eku = leaf_eku;
    connection.client_certificates = 1;
    connection.client_chain = {leaf};
  }
  DrillAttempt drill;
  drill.credential = kind;
  drill.label = std::string(to_string(kind));
  drill.has_client_auth_eku = client_auth;
  drill.completed = completed;
  drill.alert = alert;
  drill.connection = endpoint.connections.size();
  endpoint.connections.push_back(connection);
  endpoint.connection_purposes.push_back("EKU drill");
  endpoint.eku_drill.push_back(drill);
}

void request_client_certificate(EndpointEvidence& endpoint, ClientAuth kind) {
  endpoint.client_auth = kind;
  endpoint.connections[0].certificate_request = true;
  if (kind == ClientAuth::required) {
    endpoint.platform_handshake_completed = false;
    endpoint.connections[0].established = false;
    endpoint.connections[0].client_certificates = 0;
    endpoint.connections[0].alerts = {{Side::server, 2, 40, 6}};
  }
}

class ProbeRules : public ::testing::Test {
 protected:
  Profile genesys = profile_named("genesys-byoc-cloud");
  RuleContext at_april = context_at(genesys, "2026-04-01");
};

TEST_F(ProbeRules, NoClientAuthWorks) {
  EndpointEvidence endpoint = answered_endpoint();
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_TRUE(judgement.findings.empty()) << ids_of(judgement.findings).front();
  EXPECT_EQ(judgement.outbound_verdict.rfind("Outbound calls from the platform work", 0), 0u) << judgement.outbound_verdict;
  EXPECT_EQ(endpoint_label(endpoint), "sbc.example.com (203.0.113.5:5061)");
}

TEST_F(ProbeRules, TrustedServerAuthOnlyCertificateRejectedIsProven) {
  EndpointEvidence endpoint = answered_endpoint();
  request_client_certificate(endpoint, ClientAuth::optional);
  add_drill(endpoint, DrillCredential::generated_server_auth, false, false, 48);
  add_drill(endpoint, DrillCredential::generated_both, true, false, 48);
  add_drill(endpoint, DrillCredential::provided, false, false, 43, {"serverAuth"});
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(ids_of(judgement.findings), (std::vector<std::string>{"client-cert-rejected-eku", "mtls-requested"}));
  EXPECT_NE(judgement.outbound_verdict.find("fail, because the endpoint asks for a client certificate and rejected"),
            std::string::npos)
      << judgement.outbound_verdict;
  EXPECT_NE(judgement.outbound_verdict.find("since the week of 2026-03-09"), std::string::npos);
  EXPECT_EQ(judgement.connection_findings[3], (std::vector<std::string>{"client-cert-rejected-eku"}));
}

TEST_F(ProbeRules, PurposeAlertOnlyWithoutClientAuthIsLikelyEnforcement) {
  EndpointEvidence endpoint = answered_endpoint();
  request_client_certificate(endpoint, ClientAuth::required);
  add_drill(endpoint, DrillCredential::generated_server_auth, false, false, 43);
  add_drill(endpoint, DrillCredential::generated_both, true, false, 48);
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(ids_of(judgement.findings),
            (std::vector<std::string>{"client-eku-enforcement-likely", "mtls-requested", "mtls-required"}));
  EXPECT_NE(judgement.outbound_verdict.find("(very likely)"), std::string::npos) << judgement.outbound_verdict;
}

TEST_F(ProbeRules, BothGeneratedRejectedForTrustIsAtRisk) {
  EndpointEvidence endpoint = answered_endpoint();
  request_client_certificate(endpoint, ClientAuth::required);
  add_drill(endpoint, DrillCredential::generated_server_auth, false, false, 48);
  add_drill(endpoint, DrillCredential::generated_both, true, false, 48);
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(judgement.outbound_verdict.rfind("At risk", 0), 0u) << judgement.outbound_verdict;
  EXPECT_NE(judgement.outbound_verdict.find("--client-cert"), std::string::npos);
}

TEST_F(ProbeRules, UntrustedCertificateAcceptedIsNotVerified) {
  EndpointEvidence endpoint = answered_endpoint();
  request_client_certificate(endpoint, ClientAuth::optional);
  add_drill(endpoint, DrillCredential::generated_server_auth, false, true, std::nullopt);
  add_drill(endpoint, DrillCredential::generated_both, true, true, std::nullopt);
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(ids_of(judgement.findings), (std::vector<std::string>{"client-cert-not-verified", "mtls-requested"}));
  EXPECT_EQ(judgement.outbound_verdict.rfind("Outbound calls from the platform work", 0), 0u);
}

TEST_F(ProbeRules, OnlyDeprecatedSuitesAndExtraVersions) {
  EndpointEvidence endpoint = answered_endpoint();
  endpoint.connections[0].cipher = 0x003d;
  endpoint.suites_scanned = true;
  endpoint.suites_accepted = {0x003d};
  endpoint.platform_offer = {true, genesys.offer_order, true, 0x003d, ""};
  endpoint.without_deprecated = {true, {0xc030, 0xc02f}, false, std::nullopt, "alert 40 handshake_failure"};
  endpoint.versions = {{0x0301, true, true, ""}, {0x0302, true, false, "alert 70"}, {0x0303, true, true, ""},
                       {0x0304, true, false, "alert 70"}};
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(ids_of(judgement.findings), (std::vector<std::string>{"cipher-deprecated-negotiated",
                                                                  "cipher-only-deprecated", "tls-versions-extra"}));
}

TEST_F(ProbeRules, RefusedTls12AndNoSipAnswer) {
  EndpointEvidence endpoint = answered_endpoint();
  endpoint.sip = SipEvidence{{}, std::nullopt, "no answer to OPTIONS before the timeout"};
  endpoint.suites_scanned = true;
  endpoint.versions = {{0x0303, true, false, "alert 70 protocol_version"}, {0x0304, true, true, ""}};
  auto judgement = judge_endpoint(endpoint, nullptr, at_april);
  EXPECT_EQ(ids_of(judgement.findings),
            (std::vector<std::string>{"sip-options-failed", "tls-version-unsupported", "tls-versions-extra"}));
}

}  // namespace
}  // namespace tc
