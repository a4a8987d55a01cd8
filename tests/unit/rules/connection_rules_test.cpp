#include <gtest/gtest.h>

#include <set>

#include "rules/connection_rules.h"
#include "rules_test_support.h"

namespace tc {
namespace {

using testing::context_at;
using testing::has_id;
using testing::ids_of;
using testing::leaf_facts;
using testing::profile_named;

Connection outbound_with_request() {
  Connection connection;
  connection.client = "198.51.100.10:40000";  // the platform
  connection.server = "203.0.113.5:5061";     // the customer SBC
  connection.direction = Direction::outbound;
  connection.first_frame = 1;
  connection.version = 0x0303;
  connection.cipher = 0xc030;
  connection.certificate_request = true;
  connection.messages = {{Side::client, 1, 1}, {Side::server, 2, 3}, {Side::server, 13, 3}};
  return connection;
}

class ConnectionRules : public ::testing::Test {
 protected:
  Profile genesys = profile_named("genesys-byoc-cloud");
};

TEST_F(ConnectionRules, Seed000ExactFailure) {
  Connection connection = outbound_with_request();
  CertificateFacts platform_cert = leaf_facts("sip.byoc.example");
  platform_cert.eku = {"serverAuth"};
  connection.client_certificates = 2;
  connection.client_chain = {platform_cert, leaf_facts("Intermediate")};
  connection.alerts = {{Side::server, 2, 43, 7}};
  auto findings = judge_connection(connection, nullptr, context_at(genesys, "2026-04-01"));
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"client-cert-rejected-eku", "mtls-requested"}));
  auto requested = std::find_if(findings.begin(), findings.end(), [](auto& f) { return f.id == "mtls-requested"; });
  EXPECT_NE(requested->detail.find("has had no clientAuth EKU since the week of 2026-03-09"), std::string::npos)
      << requested->detail;
  // Before the renewal the same request is a warning about the coming date.
  auto before = judge_connection(connection, nullptr, context_at(genesys, "2026-02-01"));
  auto early = std::find_if(before.begin(), before.end(), [](auto& f) { return f.id == "mtls-requested"; });
  EXPECT_NE(early->detail.find("loses the clientAuth EKU with its renewal in the week of 2026-03-09"),
            std::string::npos);
}

TEST_F(ConnectionRules, AlertWithoutEkuReasonIsAGenericAlert) {
  Connection connection = outbound_with_request();
  connection.client_certificates = 1;
  connection.client_chain = {leaf_facts()};
  connection.client_chain[0].eku = {"serverAuth", "clientAuth"};
  connection.alerts = {{Side::server, 2, 48, 7}};
  EXPECT_EQ(ids_of(judge_connection(connection, nullptr, context_at(genesys, "2026-04-01"))),
            (std::vector<std::string>{"handshake-alert", "mtls-requested"}));
}

TEST_F(ConnectionRules, RequiredAndDependsOnEku) {
  Connection required = outbound_with_request();
  required.client_certificates = 0;
  required.alerts = {{Side::server, 2, 40, 7}};
  EXPECT_EQ(ids_of(judge_connection(required, nullptr, context_at(genesys, "2026-04-01"))),
            (std::vector<std::string>{"mtls-requested", "mtls-required"}));

  Connection accepted = outbound_with_request();
  accepted.client_certificates = 1;
  accepted.client_chain = {leaf_facts()};
  accepted.client_chain[0].eku = {"serverAuth", "clientAuth"};
  accepted.established = true;
  EXPECT_EQ(ids_of(judge_connection(accepted, nullptr, context_at(genesys, "2026-01-01"))),
            (std::vector<std::string>{"client-cert-depends-on-eku", "mtls-requested"}));
  accepted.established = false;  // never accepted: nothing depends on it yet
  EXPECT_FALSE(has_id(judge_connection(accepted, nullptr, context_at(genesys, "2026-01-01")),
                      "client-cert-depends-on-eku"));
}

TEST_F(ConnectionRules, DeprecatedSuitesPerDirection) {
  Connection inbound;
  inbound.client = "203.0.113.5:40000";
  inbound.server = "198.51.100.10:5061";
  inbound.direction = Direction::inbound;
  inbound.version = 0x0303;
  inbound.client_offer = {0x0a0a, 0x003d, 0xc030, 0xc02f};
  inbound.cipher = 0x003d;
  auto findings = judge_connection(inbound, nullptr, context_at(genesys, "2026-04-01"));
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"cipher-deprecated-negotiated", "cipher-deprecated-offered-first"}));
  EXPECT_EQ(platform_choice(inbound.client_offer, genesys), 0x003d);
  // Deprecated last: the platform would pick 0xc030.
  inbound.client_offer = {0xc030, 0x003d};
  inbound.cipher = 0xc030;
  EXPECT_TRUE(judge_connection(inbound, nullptr, context_at(genesys, "2026-04-01")).empty());
  EXPECT_EQ(platform_choice({0x1301, 0xcca8}, genesys), std::nullopt);

  Connection outbound = outbound_with_request();
  outbound.certificate_request = false;
  outbound.cipher = 0xc028;
  auto out = judge_connection(outbound, nullptr, context_at(genesys, "2026-04-01"));
  ASSERT_EQ(ids_of(out), std::vector<std::string>{"cipher-deprecated-negotiated"});
  EXPECT_NE(out[0].detail.find("supports nothing better"), std::string::npos);
}

TEST_F(ConnectionRules, VersionsOutsideTheProfile) {
  Connection connection;
  connection.client = "a:1";
  connection.server = "b:5061";
  connection.version = 0x0304;
  EXPECT_EQ(ids_of(judge_connection(connection, nullptr, context_at(genesys, "2026-04-01"))),
            std::vector<std::string>{"tls-version-unsupported"});
  connection.version.reset();
  connection.offered_versions = {0x0301, 0x0302};
  EXPECT_EQ(ids_of(judge_connection(connection, nullptr, context_at(genesys, "2026-04-01"))),
            std::vector<std::string>{"tls-version-unsupported"});
  connection.offered_versions = {0x0304, 0x0303};
  EXPECT_TRUE(judge_connection(connection, nullptr, context_at(genesys, "2026-04-01")).empty());
  Profile generic = profile_named("generic-sip-tls");
  connection.version = 0x0304;
  EXPECT_TRUE(judge_connection(connection, nullptr, context_at(generic, "2026-04-01")).empty());
}

TEST_F(ConnectionRules, ServerChainIsJudgedAgainstTheSni) {
  Connection connection;
  connection.client = "a:1";
  connection.server = "b:5061";
  connection.version = 0x0303;
  connection.sni = "other.example.com";
  connection.server_chain = {leaf_facts("sbc.example.com")};
  ChainVerdict verdict;
  verdict.leaf_found = true;
  verdict.path = connection.server_chain;
  verdict.missing_issuer = "CN=Example Issuing CA";
  auto findings = judge_connection(connection, &verdict, context_at(genesys, "2026-04-01"));
  EXPECT_EQ(ids_of(findings), (std::vector<std::string>{"chain-incomplete", "hostname-mismatch"}));
  for (const auto& finding : findings) EXPECT_EQ(finding.evidence["connection"]["server"], "b:5061");
}

// pcap judges most connections briefly (ids only): a brief context must raise
// exactly the ids, in the order and with the severities, of a full one, over
// every combination that reaches a different rule branch.
TEST_F(ConnectionRules, BriefContextRaisesTheSameIdsInTheSameOrder) {
  const std::vector<std::optional<AlertRecord>> alerts = {
      std::nullopt, AlertRecord{Side::server, 2, 40, 9}, AlertRecord{Side::server, 2, 43, 9},
      AlertRecord{Side::server, 2, 48, 9}, AlertRecord{Side::server, 2, 116, 9}, AlertRecord{Side::client, 2, 48, 9},
      AlertRecord{Side::server, 1, 0, 9}};
  const std::vector<std::vector<std::string>> client_ekus = {{"serverAuth"}, {"serverAuth", "clientAuth"}, {}};
  size_t combinations = 0, with_findings = 0;
  std::set<std::string> seen;
  for (const char* at : {"2026-02-01", "2026-04-01"}) {
    RuleContext full = context_at(genesys, at);
    RuleContext brief = full;
    brief.brief = true;
    for (Direction direction : {Direction::outbound, Direction::inbound, Direction::unknown}) {
      for (bool request : {false, true}) {
        for (std::optional<size_t> certificates : {std::optional<size_t>(), std::optional<size_t>(0),
                                                     std::optional<size_t>(1)}) {
          for (const auto& alert : alerts) {
            for (const auto& eku : client_ekus) {
              for (bool established : {false, true}) {
                for (auto [cipher, version] : {std::pair<uint16_t, uint16_t>{0xc030, 0x0303}, {0x003d, 0x0303},
                                               {0xc028, 0x0304}, {0, 0}}) {
                  Connection connection = outbound_with_request();
                  connection.direction = direction;
                  connection.certificate_request = request;
                  connection.client_certificates = certificates;
                  if (certificates && *certificates > 0) {
                    connection.client_chain = {leaf_facts("client.example")};
                    connection.client_chain[0].eku = eku;
                    connection.client_chain[0].has_eku_extension = !eku.empty();
                  }
                  if (alert) connection.alerts = {*alert};
                  connection.established = established;
                  connection.client_offer = {0x003d, 0xc030};
                  if (cipher == 0) {
                    connection.cipher.reset();
                    connection.version.reset();
                    connection.offered_versions = {0x0301};
                  } else {
                    connection.cipher = cipher;
                    connection.version = version;
                  }
                  Findings whole = judge_handshake(connection, full);
                  Findings ids_only = judge_handshake(connection, brief);
                  ++combinations;
                  with_findings += whole.empty() ? 0 : 1;
                  ASSERT_EQ(whole.size(), ids_only.size());
                  for (size_t i = 0; i < whole.size(); ++i) {
                    EXPECT_EQ(whole[i].id, ids_only[i].id);
                    seen.insert(whole[i].id);
                    EXPECT_EQ(whole[i].severity, ids_only[i].severity);
                    EXPECT_FALSE(whole[i].detail.empty());
                    EXPECT_TRUE(ids_only[i].detail.empty() && ids_only[i].subject.empty() &&
                                ids_only[i].evidence.empty())
                        << ids_only[i].id;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_EQ(combinations, 2u * 3 * 2 * 3 * 7 * 3 * 2 * 4);
  EXPECT_GT(with_findings, combinations / 2);
  EXPECT_EQ(seen, (std::set<std::string>{"cipher-deprecated-negotiated", "cipher-deprecated-offered-first",
                                         "client-cert-depends-on-eku", "client-cert-rejected-eku", "handshake-alert",
                                         "mtls-requested", "mtls-required", "tls-version-unsupported"}));
}

}  // namespace
}  // namespace tc
