#include <gtest/gtest.h>

#include "rules/listen_rules.h"
#include "rules/sip_uri_facts.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::has_id;
using testing::ids_of;
using testing::leaf_facts;
using testing::profile_named;

// A completed inbound TLS 1.2 handshake with a modern suite, SNI and one
// well-formed OPTIONS: nothing to report.
Connection clean_inbound() {
  Connection connection;
  connection.client = "192.0.2.10:40000";
  connection.server = "127.0.0.1:5061";
  connection.direction = Direction::inbound;
  connection.first_frame = 1;
  connection.is_tls = true;
  connection.offered_versions = {0x0303};
  connection.client_offer = {0xc02f, 0xc030, 0x003d};
  connection.sni = "sip.byoc.example";
  connection.version = 0x0303;
  connection.cipher = 0xc02f;
  connection.messages = {{Side::client, 1, 1}, {Side::server, 2, 2}, {Side::server, 11, 3}, {Side::server, 14, 5}};
  connection.server_chain = {leaf_facts("trunkcheck-listen.invalid")};
  connection.established = true;
  SipRequestSeen options;
  options.method = "OPTIONS";
  options.request_uri = "sip:sip.byoc.example:5061;transport=tls";
  options.via = "SIP/2.0/TLS sbc.example.com:5061;branch=z9hG4bK1";
  options.contact = "<sip:sbc.example.com:5061;transport=tls>";
  options.answered = 200;
  connection.sip = SipEvidence{{options}, std::nullopt, ""};
  return connection;
}

class ListenRules : public ::testing::Test {
 protected:
  Profile genesys = profile_named("genesys-byoc-cloud");
  RuleContext context = context_at(genesys, "2026-04-01");
  ListenSetup own_chain{};
  ListenSetup throwaway{true, false};
};

TEST_F(ListenRules, CleanConnectionHasNoFindings) {
  EXPECT_TRUE(judge_listened_connection(clean_inbound(), own_chain, context).empty());
}

TEST_F(ListenRules, SniMissingOnlyWhenAClientHelloWasSeen) {
  Connection connection = clean_inbound();
  connection.sni.reset();
  EXPECT_EQ(ids_of(judge_listened_connection(connection, own_chain, context)),
            (std::vector<std::string>{"sni-missing"}));
  // Garbage or a stalled client: no ClientHello, so nothing to say about SNI.
  Connection garbage;
  garbage.client = "192.0.2.10:40001";
  garbage.server = "127.0.0.1:5061";
  garbage.direction = Direction::inbound;
  garbage.anomalies = {"not TLS"};
  garbage.alerts = {{Side::server, 2, 70, 1}};  // the listener's answer to garbage
  EXPECT_TRUE(judge_listened_connection(garbage, own_chain, context).empty());
}

TEST_F(ListenRules, ThrowawayChainAcceptedMeansNoVerification) {
  Connection connection = clean_inbound();
  auto findings = judge_listened_connection(connection, throwaway, context);
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"client-skips-verification"}));
  EXPECT_EQ(client_validation(connection, throwaway).verdict, ClientValidation::skips);
  // With the operator's own chain a completed handshake proves nothing.
  EXPECT_EQ(client_validation(connection, own_chain).verdict, ClientValidation::unknown);
}

TEST_F(ListenRules, Alert48ProvesValidationAndIsNotAHandshakeAlert) {
  for (uint8_t description : {48, 42, 46}) {
    Connection connection = clean_inbound();
    connection.established = false;
    connection.sip.reset();
    connection.alerts = {{Side::client, 2, description, 4}};
    auto verdict = client_validation(connection, throwaway);
    EXPECT_EQ(verdict.verdict, ClientValidation::validates);
    EXPECT_EQ(verdict.alert, description);
    EXPECT_TRUE(judge_listened_connection(connection, throwaway, context).empty()) << int(description);
    // Without the throwaway chain the same alert is a real handshake failure.
    EXPECT_EQ(ids_of(judge_listened_connection(connection, own_chain, context)),
              (std::vector<std::string>{"handshake-alert"}));
  }
}

TEST_F(ListenRules, HandshakeThatStoppedEarlyProvesNothing) {
  Connection connection = clean_inbound();
  connection.established = false;
  connection.sip.reset();
  EXPECT_EQ(client_validation(connection, throwaway).verdict, ClientValidation::unknown);
  EXPECT_FALSE(has_id(judge_listened_connection(connection, throwaway, context), "client-skips-verification"));
}

TEST_F(ListenRules, TransportNotTlsNeedsBothUris) {
  Connection connection = clean_inbound();
  connection.sip->requests[0].request_uri = "sip:sip.byoc.example:5061";
  EXPECT_TRUE(judge_listened_connection(connection, own_chain, context).empty());  // Contact asks for TLS
  connection.sip->requests[0].contact = "\"SBC\" <sip:sbc.example.com:5061>;expires=60";
  auto findings = judge_listened_connection(connection, own_chain, context);
  ASSERT_EQ(ids_of(findings), (std::vector<std::string>{"sip-uri-transport-not-tls"}));
  EXPECT_EQ(findings[0].evidence["request_uri"], "sip:sip.byoc.example:5061");
  connection.sip->requests[0].request_uri = "sips:sip.byoc.example";
  EXPECT_TRUE(judge_listened_connection(connection, own_chain, context).empty());
}

TEST_F(ListenRules, RequestToIpReportedOncePerConnection) {
  Connection connection = clean_inbound();
  connection.sip->requests[0].request_uri = "sip:+13175551234@127.0.0.1:5061;transport=tls";
  connection.sip->requests.push_back(connection.sip->requests[0]);
  connection.sip->requests[1].method = "INVITE";
  auto findings = judge_listened_connection(connection, own_chain, context);
  ASSERT_EQ(ids_of(findings), (std::vector<std::string>{"sip-request-to-ip"}));
  EXPECT_NE(findings[0].detail.find("127.0.0.1"), std::string::npos);
  connection.sip->requests[0].request_uri = "sip:[2001:db8::1]:5061;transport=tls";
  EXPECT_TRUE(has_id(judge_listened_connection(connection, own_chain, context), "sip-request-to-ip"));
}

TEST_F(ListenRules, HandshakeRulesJudgeTheClientAsInbound) {
  Connection connection = clean_inbound();
  connection.client_offer = {0x003d, 0xc02f};
  connection.cipher = 0x003d;
  EXPECT_EQ(ids_of(judge_listened_connection(connection, own_chain, context)),
            (std::vector<std::string>{"cipher-deprecated-negotiated", "cipher-deprecated-offered-first"}));

  Connection tls13;
  tls13.client = "192.0.2.10:40002";
  tls13.server = "127.0.0.1:5061";
  tls13.direction = Direction::inbound;
  tls13.offered_versions = {0x0304};
  tls13.client_offer = {0x1301};
  tls13.sni = "sip.byoc.example";
  tls13.messages = {{Side::client, 1, 1}};
  tls13.alerts = {{Side::server, 2, 70, 2}};
  // The listener's own protocol_version alert is not a second finding.
  EXPECT_EQ(ids_of(judge_listened_connection(tls13, own_chain, context)),
            (std::vector<std::string>{"tls-version-unsupported"}));
}

TEST_F(ListenRules, RequestedClientCertificateIsJudgedForItsPurpose) {
  Connection connection = clean_inbound();
  connection.certificate_request = true;
  connection.client_certificates = 1;
  connection.client_chain = {leaf_facts("sbc.example.com")};  // serverAuth only
  ListenSetup requested{false, true};
  auto findings = judge_listened_connection(connection, requested, context);
  EXPECT_TRUE(has_id(findings, "cert-missing-client-auth-eku"));
  EXPECT_FALSE(has_id(findings, "mtls-requested"));  // we asked, on purpose
  // Not requested: the client chain is not judged (and there is none).
  EXPECT_FALSE(has_id(judge_listened_connection(clean_inbound(), own_chain, context), "cert-missing-client-auth-eku"));
}

TEST(SipUriFacts, ReadsTheRfc3261Layout) {
  auto uri = read_sip_uri_facts("sip:+13175551234;tgrp=trunk1;trunk-context=ctx.example@host.example.com;transport=TLS");
  ASSERT_TRUE(uri);
  EXPECT_EQ(uri->scheme, "sip");
  EXPECT_EQ(uri->host, "host.example.com");
  EXPECT_FALSE(uri->host_is_ip);
  EXPECT_EQ(uri->transport, "tls");  // a host-part parameter; tgrp is in the user part
  EXPECT_TRUE(uri_asks_for_tls(*uri));

  auto user_param_only = read_sip_uri_facts("sip:alice;transport=tls@host.example.com");
  ASSERT_TRUE(user_param_only);
  EXPECT_FALSE(user_param_only->transport);  // in the user part: not a URI parameter

  auto v6 = read_sip_uri_facts("<sips:[2001:db8::5]:5061>;expires=30");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->scheme, "sips");
  EXPECT_EQ(v6->host, "2001:db8::5");
  EXPECT_TRUE(v6->host_is_ip);

  auto v4 = read_sip_uri_facts("sip:user:secret@10.0.0.1:5060?subject=x;transport=tls");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->host_is_ip);
  EXPECT_FALSE(v4->transport);  // after '?' it is a header, not a parameter

  EXPECT_FALSE(read_sip_uri_facts("garbage"));
  EXPECT_FALSE(read_sip_uri_facts("sip:"));
  EXPECT_FALSE(read_sip_uri_facts("<sip:unclosed"));
}

}  // namespace
}  // namespace tc
